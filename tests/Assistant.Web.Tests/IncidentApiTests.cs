using System.Net;
using Assistant.Web.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Web.Tests;

public sealed class IncidentApiTests(PlantAppFactory factory) : IClassFixture<PlantAppFactory>
{
    private readonly HttpClient _client = factory.CreateApiClient();

    private static object Incident(string id, string symptom = "Spindle chiller alarm, coolant flow only 5 l/min, E-217 at 128 C") => new
    {
        id,
        date = "2025-05-14",
        machine = "CNC-2",
        reporterRole = "technician",
        symptom,
        faultCode = "E-217",
        rootCause = "Chiller return hose kinked behind the enclosure after a cabinet move, flow starved",
        action = "Rerouted hose with a bend support, flow 12 l/min, warm-up cycle",
        parts = new[] { "VMC-HOSE-019" },
        downtimeMinutes = 85,
    };

    [Fact]
    public async Task A_recorded_incident_is_in_the_log_file_and_found_by_the_next_triage()
    {
        var response = await _client.PostJsonAsync("/api/v1/incidents", Incident("TCK-9001"));

        var recorded = await ApiAssert.OkAsync(response, HttpStatusCode.Created);
        Assert.Equal("TCK-9001", recorded.GetProperty("id").GetString());
        Assert.Equal("incidents/from-ticketing.csv", recorded.GetProperty("source").GetString());
        Assert.NotNull(response.Headers.Location);
        var csv = await File.ReadAllTextAsync(Path.Combine(factory.KnowledgeRoot, "incidents", "from-ticketing.csv"));
        Assert.Contains("TCK-9001,2025-05-14,ML2,CNC-2,technician", csv);

        var triage = await ApiAssert.OkAsync(await _client.PostJsonAsync("/api/v1/tickets/triage", new
        {
            ticketId = "TCK-9002",
            machine = "CNC-2",
            title = "E-217 again, chiller hose kinked?",
            description = "coolant flow low behind the enclosure",
        }));
        var similar = triage.GetProperty("similarIncidents").EnumerateArray().ToList();
        var found = Assert.Single(similar, i => i.GetProperty("incidentId").GetString() == "TCK-9001");
        Assert.Contains("hose kinked", found.GetProperty("rootCause").GetString());
        Assert.Equal(85, found.GetProperty("downtimeMinutes").GetInt32());

        var source = await ApiAssert.OkAsync(await _client.GetAsync(response.Headers.Location));
        Assert.Contains("TCK-9001", source.GetProperty("text").GetString());
    }

    [Fact]
    public async Task The_same_incident_id_again_is_409_also_for_ids_of_the_historical_logs()
    {
        await ApiAssert.OkAsync(await _client.PostJsonAsync("/api/v1/incidents", Incident("TCK-DUP-1")), HttpStatusCode.Created);

        var again = await _client.PostJsonAsync("/api/v1/incidents", Incident("TCK-DUP-1", "another text"));
        var historical = await _client.PostJsonAsync("/api/v1/incidents", Incident("INC-1002"));

        var problem = await ApiAssert.ProblemAsync(again, HttpStatusCode.Conflict);
        Assert.Contains("TCK-DUP-1", problem.GetProperty("detail").GetString());
        await ApiAssert.ProblemAsync(historical, HttpStatusCode.Conflict);
        var csv = await File.ReadAllTextAsync(Path.Combine(factory.KnowledgeRoot, "incidents", "from-ticketing.csv"));
        Assert.Single(csv.Split('\n'), l => l.StartsWith("TCK-DUP-1,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_recorded_incident_is_audited_with_the_key_name()
    {
        await ApiAssert.OkAsync(await _client.PostJsonAsync("/api/v1/incidents", Incident("TCK-AUD-1")), HttpStatusCode.Created);

        var audit = await factory.Services.GetRequiredService<AuditLog>().ReadAsync(1000);
        var entry = Assert.Single(audit, e => e.Target == "TCK-AUD-1");
        Assert.Equal(("api:ticketing", "incident.recorded"), (entry.Actor, entry.Action));
    }

    [Fact]
    public async Task Text_with_commas_quotes_and_line_breaks_stays_one_record()
    {
        var response = await _client.PostJsonAsync("/api/v1/incidents",
            Incident("TCK-CSV-1", "Operator said \"it smells\", then\nE-217, see photo; 5 l/min"));

        await ApiAssert.OkAsync(response, HttpStatusCode.Created);
        var search = await ApiAssert.OkAsync(await _client.PostJsonAsync("/api/v1/tickets/triage",
            new { ticketId = "TCK-CSV-2", machine = "CNC-2", title = "it smells, E-217, photo" }));
        var found = Assert.Single(search.GetProperty("similarIncidents").EnumerateArray(), i => i.GetProperty("incidentId").GetString() == "TCK-CSV-1");
        Assert.Equal("Operator said \"it smells\", then E-217, see photo; 5 l/min", found.GetProperty("symptom").GetString());
    }

    [Theory]
    [InlineData("id", "")]
    [InlineData("date", "14.05.2025")]
    [InlineData("date", "2999-01-01")]
    [InlineData("machine", "LATHE-9")]
    [InlineData("line", "PL1")]
    [InlineData("reporterRole", "manager")]
    [InlineData("symptom", "   ")]
    [InlineData("rootCause", "")]
    [InlineData("action", "")]
    [InlineData("faultCode", "spindle hot")]
    [InlineData("downtimeMinutes", "-5")]
    public async Task A_bad_incident_is_a_400_problem_naming_the_field(string field, string value)
    {
        var body = new Dictionary<string, object?>
        {
            ["id"] = "TCK-BAD-1", ["date"] = "2025-05-14", ["machine"] = "CNC-2", ["reporterRole"] = "technician",
            ["symptom"] = "spindle hot", ["rootCause"] = "filter", ["action"] = "changed filter", ["downtimeMinutes"] = 10,
        };
        body[field] = field == "downtimeMinutes" ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : value;

        var response = await _client.PostJsonAsync("/api/v1/incidents", body);

        ApiAssert.NamesField(await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest), field);
    }

    [Fact]
    public async Task Missing_required_fields_are_all_named_in_one_problem()
    {
        var response = await _client.PostAsync("/api/v1/incidents", ApiAssert.Json("{}"));

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        foreach (var field in new[] { "id", "date", "machine", "reporterRole", "symptom", "rootCause", "action", "downtimeMinutes" })
        {
            ApiAssert.NamesField(problem, field);
        }
    }
}
