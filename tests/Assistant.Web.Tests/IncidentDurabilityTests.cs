using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Assistant.Core;
using Assistant.Core.Security;

namespace Assistant.Web.Tests;

/// <summary>
/// "Acknowledged" means durable: the built web app runs as a real process, an incident is posted, the process is
/// killed (SIGKILL) the moment the 201 arrives, and after a restart the incident is there and searchable.
/// </summary>
public sealed class IncidentDurabilityTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("assistant-kill-test-").FullName;

    [Fact]
    public async Task An_acknowledged_incident_survives_the_process_being_killed_right_after_the_response()
    {
        var knowledge = Path.Combine(_data, "knowledge");
        PlantAppFactory.CopyDirectory(Path.Combine(AssistantPaths.FindContentRoot(), "knowledge"), knowledge);
        var key = ApiKeyHash.NewKey();

        using (var first = await WebProcess.StartAsync(_data, knowledge, key))
        {
            var response = await first.Client.PostAsJsonAsync("/api/v1/incidents", new
            {
                id = "TCK-KILL-1",
                date = "2025-06-02",
                machine = "HP-2",
                reporterRole = "technician",
                symptom = "Ram creeps down 3 mm per minute with the press stopped at top dead centre",
                faultCode = "E-112",
                rootCause = "Counterbalance valve seat worn, internal leakage",
                action = "Replaced counterbalance cartridge, creep test below 0.2 mm per 10 min",
                parts = new[] { "HP-VLV-CB2" },
                downtimeMinutes = 140,
            });
            first.Kill();
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        using var second = await WebProcess.StartAsync(_data, knowledge, key);
        var again = await second.Client.PostAsJsonAsync("/api/v1/incidents", new
        {
            id = "TCK-KILL-1", date = "2025-06-02", machine = "HP-2", reporterRole = "technician", symptom = "x",
            rootCause = "x", action = "x", downtimeMinutes = 1,
        });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var triage = await second.Client.PostAsJsonAsync("/api/v1/tickets/triage", new
        {
            ticketId = "TCK-KILL-2", machine = "HP-2", title = "Ram creeps down at top dead centre", description = "counterbalance valve?",
        });
        var text = await triage.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, triage.StatusCode);
        Assert.Contains("\"incidentId\":\"TCK-KILL-1\"", text);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A killed process's files may linger a moment; the OS cleans temp folders.
        }
    }

    /// <summary>The built Assistant.Web.dll (copied beside the tests) as a child process on a free loopback port.</summary>
    private sealed class WebProcess : IDisposable
    {
        private readonly Process _process;

        private WebProcess(Process process, HttpClient client)
        {
            _process = process;
            Client = client;
        }

        public HttpClient Client { get; }

        public static async Task<WebProcess> StartAsync(string data, string knowledge, string key)
        {
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Assistant.Web.dll"), "--urls", $"http://127.0.0.1:{port}" },
                WorkingDirectory = data,
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment =
                {
                    ["ASSISTANT_ROOT"] = AssistantPaths.FindContentRoot(),
                    ["Knowledge__Root"] = knowledge,
                    ["Knowledge__IndexPath"] = Path.Combine(data, "knowledge.db"),
                    ["Knowledge__IngestOnStartup"] = "true",
                    ["Assistant__DatabasePath"] = Path.Combine(data, "assistant.db"),
                    ["Assistant__PlantLayoutPath"] = Path.Combine(knowledge, "plant.json"),
                    ["Api__Keys__0__Name"] = "kill-test",
                    ["Api__Keys__0__Hash"] = ApiKeyHash.Compute(key),
                    ["Api__Keys__0__Scopes__0"] = "incidents:write",
                    ["Api__Keys__0__Scopes__1"] = "triage",
                    ["Logging__LogLevel__Default"] = "Warning",
                },
            };
            var process = Process.Start(start)!;
            var log = new System.Text.StringBuilder();
            process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            var web = new WebProcess(process, client);
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(90))
            {
                if (process.HasExited)
                {
                    break;
                }

                try
                {
                    if ((await client.GetAsync("/api/v1/health/ready")).IsSuccessStatusCode)
                    {
                        return web;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(200);
            }

            web.Dispose();
            lock (log)
            {
                throw new InvalidOperationException($"The web app did not become ready. Its output:\n{log}");
            }
        }

        /// <summary>SIGKILL: no shutdown hooks, no flushing; what was acknowledged must already be on disk.</summary>
        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                Kill();
            }

            _process.Dispose();
            Client.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
