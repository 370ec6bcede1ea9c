using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Assistant.Core.Security;

namespace Assistant.Benchmarks.Api;

/// <summary>What <see cref="ApiLoadBenchmark"/> drives, and how hard.</summary>
/// <param name="ContentRoot">the assistant's folder: the web app started here reads its appsettings.json and knowledge/</param>
/// <param name="Url">a running assistant (needs <paramref name="Key"/>); null: the built web app is started on a free loopback
/// port with a temporary key, database and index</param>
/// <param name="Key">an API key with the triage and ask scopes and a high rate limit, for <paramref name="Url"/></param>
/// <param name="WebApp">the web app to start; null: the newest Assistant.Web.dll under src/Assistant.Web/bin</param>
/// <param name="Clients">concurrent clients, 1 to 512</param>
/// <param name="Requests">requests per endpoint</param>
/// <param name="Seconds">bounds each endpoint's run</param>
/// <param name="Repeat">share of triage requests that repeat an earlier ticket (idempotent replays), 0..1</param>
/// <param name="Endpoints">triage and/or ask</param>
public sealed record ApiLoadOptions(
    string ContentRoot,
    string? Url = null,
    string? Key = null,
    string? WebApp = null,
    int Clients = 8,
    int Requests = 400,
    double Seconds = 30,
    double Repeat = 0,
    IReadOnlyList<string>? Endpoints = null);

/// <summary>
/// Drives the REST API's triage and (retrieval-only) ask endpoints with concurrent clients over loopback and prints
/// throughput and latency percentiles (<c>assistant load-api</c>). Starts the built web app itself unless a URL names
/// a running one.
/// </summary>
public static class ApiLoadBenchmark
{
    /// <summary>The endpoints it can drive.</summary>
    public static readonly IReadOnlyList<string> EndpointNames = ["triage", "ask"];

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

    public static async Task RunAsync(ApiLoadOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (clients, requests, seconds, repeat) = (options.Clients, options.Requests, options.Seconds, options.Repeat);
        var endpoints = options.Endpoints ?? EndpointNames;
        if (clients is < 1 or > 512 || requests < 1 || seconds <= 0 || repeat is < 0 or > 1 || endpoints.Except(EndpointNames).Any())
        {
            throw new ArgumentOutOfRangeException(nameof(options), "clients 1..512, requests and seconds positive, repeat 0..1, endpoints triage and/or ask.");
        }

        var (url, key) = (options.Url, options.Key);
        Process? server = null;
        string? dataDirectory = null;
        if (url is null)
        {
            key = ApiKeyHash.NewKey();
            dataDirectory = Directory.CreateTempSubdirectory("assistant-load-").FullName;
            (server, url) = StartServer(options, key, dataDirectory, output, error);
        }
        else if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException("A running assistant's URL needs a key with the triage and ask scopes.", nameof(options));
        }

        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                BaseAddress = new Uri(url),
                Timeout = TimeSpan.FromSeconds(60),
            };
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
            await WaitReadyAsync(http, server, output, cancellationToken);

            output.WriteLine($"Load on {url}: {clients} clients, up to {requests} requests or {seconds:0.#} s per endpoint.");
            output.WriteLine($"{"endpoint",-16} {"requests",8} {"ok",6} {"errors",6} {"req/s",8} {"p50 ms",8} {"p99 ms",8} {"max ms",8}");
            foreach (var endpoint in endpoints)
            {
                // A short warm-up so JIT and first-query caches do not count.
                await DriveAsync(http, endpoint, Math.Min(clients, 4), Math.Min(requests, 20), 10, repeat, cancellationToken);
                var run = await DriveAsync(http, endpoint, clients, requests, seconds, repeat, cancellationToken);
                run.Print(output, endpoint == "triage" ? "triage" : "ask");
                foreach (var (status, count) in run.Failures.OrderBy(f => f.Key))
                {
                    output.WriteLine($"    {count} x {status}");
                }
            }
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

    private static (Process Server, string Url) StartServer(ApiLoadOptions options, string key, string dataDirectory, TextWriter output, TextWriter error)
    {
        var web = options.WebApp;
        var dll = web ?? NewestWebBuild(options.ContentRoot)
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
            WorkingDirectory = options.ContentRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["ASSISTANT_ROOT"] = options.ContentRoot,
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Logging__LogLevel__Default"] = "Warning",
                ["Assistant__DatabasePath"] = Path.Combine(dataDirectory, "assistant.db"),
                // Its own index too: a load test neither waits for nor writes into the plant's.
                ["Knowledge__IndexPath"] = Path.Combine(dataDirectory, "knowledge.db"),
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
                error.WriteLine($"[web] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output.WriteLine($"Started {Path.GetFileName(dll)} on {url} (pid {process.Id}).");
        return (process, url);
    }

    /// <summary>The newest build of the web app (any configuration, with or without a runtime identifier folder).</summary>
    private static string? NewestWebBuild(string contentRoot)
    {
        var bin = Path.Combine(contentRoot, "src", "Assistant.Web", "bin");
        return Directory.Exists(bin)
            ? Directory.EnumerateFiles(bin, "Assistant.Web.dll", SearchOption.AllDirectories)
                .Where(dll => File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")))
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .FirstOrDefault()
            : null;
    }

    private static async Task WaitReadyAsync(HttpClient http, Process? server, TextWriter output, CancellationToken cancellationToken)
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
                    output.WriteLine($"Ready after {clock.Elapsed.TotalSeconds:0.0} s.");
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
