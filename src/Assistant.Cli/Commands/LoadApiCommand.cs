using System.CommandLine;
using Assistant.Benchmarks.Api;

namespace Assistant.Cli.Commands;

/// <summary><c>assistant load-api</c>: runs <see cref="ApiLoadBenchmark"/>.</summary>
internal sealed class LoadApiCommand : Command
{
    private readonly CliContext _cli;
    private readonly Option<string?> _url = new Option<string?>("--url")
    {
        Description = "a running assistant (needs --key with scopes triage and ask and a high rate limit); without it the built "
            + "web app is started on a free loopback port with a temporary key, database and index",
        HelpName = "http://127.0.0.1:5080",
    }.Require(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https", "an http:// or https:// address");

    private readonly Option<string?> _key = new("--key") { Description = "the API key for --url", HelpName = "KEY" };

    private readonly Option<int> _clients = new Option<int>("--clients")
    {
        Description = "concurrent clients",
        HelpName = "N",
        DefaultValueFactory = _ => 8,
        CustomParser = CliOptions.WholeNumber,
    }.Require(n => n is >= 1 and <= 512, "1 to 512");

    private readonly Option<int> _requests = new Option<int>("--requests")
    {
        Description = "requests per endpoint",
        HelpName = "N",
        DefaultValueFactory = _ => 400,
        CustomParser = CliOptions.WholeNumber,
    }.Require(n => n >= 1, "1 or more");

    private readonly Option<double> _seconds = new Option<double>("--seconds")
    {
        Description = "bounds each endpoint's run",
        HelpName = "S",
        DefaultValueFactory = _ => 30,
        CustomParser = CliOptions.Number,
    }.Require(s => s > 0, "a positive number of seconds");

    private readonly Option<string[]> _endpoints = new Option<string[]>("--endpoints")
    {
        Description = "which endpoints to drive, comma-separated",
        HelpName = "triage,ask",
        DefaultValueFactory = _ => [.. ApiLoadBenchmark.EndpointNames],
        CustomParser = result => [.. result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
    }.Require(names => names.Length > 0 && names.All(ApiLoadBenchmark.EndpointNames.Contains), "triage and/or ask");

    private readonly Option<double> _repeat = new Option<double>("--repeat")
    {
        Description = "share of triage requests that repeat an earlier ticket (idempotent replays), 0..1",
        HelpName = "SHARE",
        DefaultValueFactory = _ => 0,
        CustomParser = CliOptions.Number,
    }.Require(share => share is >= 0 and <= 1, "a share from 0 to 1");

    private readonly Option<FileInfo> _web = new Option<FileInfo>("--web")
    {
        Description = "the web app to start (default: the newest build under src/Assistant.Web/bin)",
        HelpName = "PATH/Assistant.Web.dll",
    }.AcceptExistingOnly();

    public LoadApiCommand(CliContext cli)
        : base("load-api", "Load-test the REST API (triage and retrieval-only ask) with concurrent clients; prints throughput, p50/p99.")
    {
        _cli = cli;
        Options.Add(_url);
        Options.Add(_key);
        Options.Add(_clients);
        Options.Add(_requests);
        Options.Add(_seconds);
        Options.Add(_endpoints);
        Options.Add(_repeat);
        Options.Add(_web);
        Validators.Add(result =>
        {
            if (result.GetValue(_url) is not null && string.IsNullOrEmpty(result.GetValue(_key)))
            {
                result.AddError("--url needs --key (a key with the triage and ask scopes).");
            }
        });
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var options = new ApiLoadOptions(
            _cli.ContentRoot,
            parse.GetValue(_url),
            parse.GetValue(_key),
            parse.GetValue(_web)?.FullName,
            parse.GetValue(_clients),
            parse.GetValue(_requests),
            parse.GetValue(_seconds),
            parse.GetValue(_repeat),
            parse.GetRequiredValue(_endpoints));
        await ApiLoadBenchmark.RunAsync(options, _cli.Out, _cli.Error, cancellationToken);
        return 0;
    }
}
