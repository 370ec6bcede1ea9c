using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Assistant.Core.Security;

namespace Assistant.Cli.Commands;

/// <summary>
/// Drives the REST API's triage and (retrieval-only) ask endpoints with concurrent clients over loopback and prints
/// throughput and latency percentiles. Starts the built web app itself unless --url names a running one.
/// </summary>
public sealed class LoadApiCommand : ICliCommand
{
    private static readonly (string Machine, string Title, string Description)[] Tickets =
    [
        ("CNC-2", "E-217 spindle overtemperature", "Spindle alarm E-217 during roughing, motor winding hot, chiller running"),
        ("HP-1", "Hydraulic oil too hot", "Oil temperature 62 C after two hours, cooler fan running, press slows down"),
        ("IM-2", "Zone 3 heater current low", "E-303 on zone 3, parts still ok, heater band suspected"),
        ("RC-1", "Case dropped during swing", "Robot dropped a case on the pallet, vacuum low on large cup zone, E-402"),
        ("CNC-1", "Tool dropped in ATC", "Tool change failed, tool fell out of the gripper, E-209"),
        ("HP-2", "Pilot filter differential pressure high", "E-108 pilot filter dp high at start of shift"),
        ("IM-1", "No shot after lunch break", "Nozzle frozen after the break, E-304 then E-308"),
        ("RC-2", "Light curtain muting fault", "Muting fault at the infeed, line stopped, E-411"),
        ("CNC-3", "Drill broken", "Drill 6.8 broken in part, tool life counter looks wrong"),
        ("IM-2", "Splay on covers", "Silver streaks on the covers since the morning, scrap rising"),
    ];

    private static readonly string[] Questions =
    [
        "What does fault E-217 mean and what do I check first?",
        "How do I lock out the hydraulic press before maintenance?",
        "Why does the robot drop cases from the large cup zone?",
        "What is the preventive maintenance interval for the spindle chiller filter?",
        "How do I fix a frozen nozzle on the moulding machine?",
        "What causes splay on PA6-GF30 covers in summer?",
        "Which checks follow a tool drop in the tool changer?",
        "What is the tolerance for the housing bore?",
    ];

    public string Name => "load-api";

    public string Summary => "Load-test the REST API (triage and retrieval-only ask) with concurrent clients; prints throughput, p50/p99.";

    public string Usage => """
        [--url http://127.0.0.1:5080 --key KEY] [--clients 8] [--requests 400] [--seconds 30] [--endpoints triage,ask]
        [--repeat 0.0] [--web PATH/Assistant.Web.dll]
          --url        a running assistant (needs --key with scopes triage and ask and a high rate limit);
                       without it the built web app is started on a free loopback port with a temporary key and database
          --clients    concurrent clients (default 8)
          --requests   requests per endpoint (default 400); --seconds bounds each endpoint's run (default 30)
          --repeat     share of triage requests that repeat an earlier ticket (idempotent replays), 0..1 (default 0)
          --web        the web app to start (default: src/Assistant.Web/bin/{Release,Debug}/net10.0/Assistant.Web.dll)
        """;

    public async Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var line = new CommandLine(args);
        var clients = line.GetInt("clients", 8);
        var requests = line.GetInt("requests", 400);
        var seconds = line.GetDouble("seconds", 30);
        var repeat = line.GetDouble("repeat", 0);
        var endpoints = (line.Get("endpoints") ?? "triage,ask").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (clients is < 1 or > 512 || requests < 1 || seconds <= 0 || repeat is < 0 or > 1)
        {
            throw new UsageException("--clients 1..512, --requests and --seconds positive, --repeat 0..1.");
        }

        if (endpoints.Except(["triage", "ask"]).Any())
        {
            throw new UsageException("--endpoints takes triage and/or ask.");
        }

        var url = line.Get("url");
        var key = line.Get("key");
        Process? server = null;
        string? dataDirectory = null;
        if (url is null)
        {
            key = ApiKeyHash.NewKey();
            dataDirectory = Directory.CreateTempSubdirectory("assistant-load-").FullName;
            (server, url) = StartServer(context, line.Get("web"), key, dataDirectory);
        }
        else if (string.IsNullOrEmpty(key))
        {
            throw new UsageException("--url needs --key (a key with the triage and ask scopes).");
        }

        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                BaseAddress = new Uri(url),
                Timeout = TimeSpan.FromSeconds(60),
            };
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
            await WaitReadyAsync(http, server, context, cancellationToken);

            context.Out.WriteLine($"Load on {url}: {clients} clients, up to {requests} requests or {seconds:0.#} s per endpoint.");
            context.Out.WriteLine($"{"endpoint",-16} {"requests",8} {"ok",6} {"errors",6} {"req/s",8} {"p50 ms",8} {"p99 ms",8} {"max ms",8}");
            foreach (var endpoint in endpoints)
            {
                // A short warm-up so JIT and first-query caches do not count.
                await DriveAsync(http, endpoint, Math.Min(clients, 4), Math.Min(requests, 20), 10, repeat, cancellationToken);
                var run = await DriveAsync(http, endpoint, clients, requests, seconds, repeat, cancellationToken);
                run.Print(context.Out, endpoint == "triage" ? "triage" : "ask");
                foreach (var (status, count) in run.Failures.OrderBy(f => f.Key))
                {
                    context.Out.WriteLine($"    {count} x {status}");
                }
            }

            return 0;
        }
        finally
        {
            if (server is { HasExited: false })
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync(CancellationToken.None);
            }

            server?.Dispose();
            if (dataDirectory is not null)
            {
                try
                {
                    Directory.Delete(dataDirectory, recursive: true);
                }
                catch (IOException)
                {
                    // The server may hold the database a moment longer; the temp folder is the OS's to clean.
                }
            }
        }
    }

    private static async Task<LoadRun> DriveAsync(
        HttpClient http, string endpoint, int clients, int requests, double seconds, double repeat, CancellationToken cancellationToken)
    {
        var latencies = new ConcurrentBag<double>();
        var failures = new ConcurrentDictionary<string, int>();
        var issued = 0;
        var runId = Guid.NewGuid().ToString("n")[..8];
        var deadline = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(seconds);

        async Task ClientAsync(int client)
        {
            var random = new Random(client * 7919 + 17);
            while (!cancellationToken.IsCancellationRequested && deadline.Elapsed < limit)
            {
                var n = Interlocked.Increment(ref issued);
                if (n > requests)
                {
                    return;
                }

                HttpContent body;
                string path;
                if (endpoint == "triage")
                {
                    var replay = n > 10 && random.NextDouble() < repeat;
                    var ticketNumber = replay ? random.Next(1, Math.Max(2, n / 2)) : n;
                    var ticket = Tickets[ticketNumber % Tickets.Length];
                    path = "/api/v1/tickets/triage";
                    body = JsonContent.Create(new
                    {
                        ticketId = $"LOAD-{runId}-{ticketNumber}",
                        machine = ticket.Machine,
                        title = ticket.Title,
                        description = ticket.Description,
                    });
                }
                else
                {
                    path = "/api/v1/ask";
                    body = JsonContent.Create(new { question = Questions[n % Questions.Length] });
                }

                var clock = Stopwatch.StartNew();
                try
                {
                    using var response = await http.PostAsync(path, body, cancellationToken);
                    await response.Content.LoadIntoBufferAsync(cancellationToken);
                    clock.Stop();
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        latencies.Add(clock.Elapsed.TotalMilliseconds);
                    }
                    else
                    {
                        failures.AddOrUpdate(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), 1, (_, c) => c + 1);
                    }
                }
                catch (HttpRequestException ex)
                {
                    failures.AddOrUpdate(ex.GetType().Name, 1, (_, c) => c + 1);
                }
            }
        }

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(ClientAsync));
        return new LoadRun(latencies.Order().ToArray(), failures, clock.Elapsed);
    }

    private static (Process Server, string Url) StartServer(CliContext context, string? web, string key, string dataDirectory)
    {
        var dll = web ?? new[] { "Release", "Debug" }
            .Select(c => Path.Combine(context.ContentRoot, "src", "Assistant.Web", "bin", c, "net10.0", "Assistant.Web.dll"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault()
            ?? throw new FileNotFoundException("The web app is not built. Run 'dotnet build src/Assistant.Web -c Release', or pass --web or --url.");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"--web {dll}: no such file.");
        }

        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--urls", url },
            WorkingDirectory = context.ContentRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["ASSISTANT_ROOT"] = context.ContentRoot,
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Logging__LogLevel__Default"] = "Warning",
                ["Assistant__DatabasePath"] = Path.Combine(dataDirectory, "assistant.db"),
                ["Api__Keys__0__Name"] = "load-test",
                ["Api__Keys__0__Hash"] = ApiKeyHash.Compute(key),
                ["Api__Keys__0__Scopes__0"] = "triage",
                ["Api__Keys__0__Scopes__1"] = "ask",
                ["Api__Keys__0__PermitsPerMinute"] = "100000000",
            },
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                context.Error.WriteLine($"[web] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        context.Out.WriteLine($"Started {Path.GetFileName(dll)} on {url} (pid {process.Id}).");
        return (process, url);
    }

    private static async Task WaitReadyAsync(HttpClient http, Process? server, CliContext context, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (server is { HasExited: true })
            {
                throw new InvalidOperationException($"The web app exited with code {server.ExitCode} before it was ready.");
            }

            try
            {
                using var response = await http.GetAsync("/api/v1/health/ready", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    context.Out.WriteLine($"Ready after {clock.Elapsed.TotalSeconds:0.0} s.");
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException("The web app was not ready within 3 minutes (is the index built? 'assistant ingest').");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record LoadRun(double[] Latencies, ConcurrentDictionary<string, int> Failures, TimeSpan Elapsed)
    {
        public void Print(TextWriter output, string name)
        {
            var errors = Failures.Values.Sum();
            var total = Latencies.Length + errors;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-16} {total,8} {Latencies.Length,6} {errors,6} {total / Elapsed.TotalSeconds,8:0.0} {Percentile(0.50),8:0.0} {Percentile(0.99),8:0.0} {(Latencies.Length > 0 ? Latencies[^1] : 0),8:0.0}"));
        }

        private double Percentile(double p) =>
            Latencies.Length == 0 ? 0 : Latencies[Math.Min(Latencies.Length - 1, (int)Math.Ceiling(p * Latencies.Length) - 1)];
    }
}
