using System.Net;
using System.Text.Json;
using Assistant.Web.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Web.Tests;

public sealed class TriageApiTests(PlantAppFactory factory) : IClassFixture<PlantAppFactory>
{
    private readonly HttpClient _client = factory.CreateApiClient();

    [Fact]
    public async Task A_fault_code_ticket_gets_the_fault_its_past_incidents_the_manual_entry_and_a_priority_with_reason()
    {
        var response = await _client.PostJsonAsync("/api/v1/tickets/triage", new
        {
            ticketId = "TCK-1001",
            machine = "CNC-2",
            title = "E-217 spindle overtemperature",
            description = "Spindle alarm E-217 during roughing, motor winding hot",
        });

        var triage = await ApiAssert.OkAsync(response);
        Assert.Equal("TCK-1001", triage.GetProperty("ticketId").GetString());
        Assert.Equal("ML2", triage.GetProperty("line").GetString());
        // CNC-2 has a classifier and a readings snapshot: the likely fault comes from it, and names the ticket's code.
        var likely = triage.GetProperty("likelyFault");
        Assert.Equal("classifier", likely.GetProperty("source").GetString());
        Assert.Contains("E-217", likely.GetProperty("explanation").GetString());

        var incidents = triage.GetProperty("similarIncidents").EnumerateArray().ToList();
        Assert.NotEmpty(incidents);
        Assert.Contains(incidents, i => i.GetProperty("faultCode").GetString() == "E-217" && !string.IsNullOrEmpty(i.GetProperty("rootCause").GetString()));
        Assert.All(incidents, i =>
        {
            Assert.InRange(i.GetProperty("similarity").GetDouble(), 0, 1);
            Assert.False(string.IsNullOrEmpty(i.GetProperty("incidentId").GetString()));
            Assert.False(string.IsNullOrEmpty(i.GetProperty("action").GetString()));
        });
        var similarities = incidents.Select(i => i.GetProperty("similarity").GetDouble()).ToList();
        Assert.Equal(similarities.OrderDescending(), similarities);

        var procedure = triage.GetProperty("procedure");
        Assert.Contains("E-217", procedure.GetProperty("section").GetString() + procedure.GetProperty("excerpt").GetString());
        Assert.EndsWith(".md", procedure.GetProperty("source").GetString());
        var source = await _client.GetAsync($"/api/v1/sources/{Uri.EscapeDataString(procedure.GetProperty("passageId").GetString()!)}");
        Assert.Equal(HttpStatusCode.OK, source.StatusCode);

        var priority = triage.GetProperty("priority");
        Assert.Matches("^P[1-4]$", priority.GetProperty("level").GetString());
        Assert.False(string.IsNullOrWhiteSpace(priority.GetProperty("reason").GetString()));
    }

    [Theory]
    [InlineData("RC-2", "Light curtain muting fault at infeed", "safety", "P1")]
    [InlineData("HP-1", "Guard door interlock does not close", "safety", "P1")]
    [InlineData("IM-1", "Machine stopped, no production since 6:00", "machine-stopped", "P2")]
    [InlineData("IM-2", "Silver streaks on covers, scrap rising", "quality", "P3")]
    public async Task The_priority_follows_the_rules_and_says_which(string machine, string title, string rule, string level)
    {
        var response = await _client.PostJsonAsync("/api/v1/tickets/triage", new { ticketId = $"PRIO-{machine}-{rule}", machine, title });

        var priority = (await ApiAssert.OkAsync(response)).GetProperty("priority");
        Assert.Equal(level, priority.GetProperty("level").GetString());
        Assert.Equal(rule, priority.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task The_same_ticket_twice_gives_the_same_result_without_recomputation()
    {
        var ticket = new { ticketId = "TCK-IDEM-1", machine = "HP-2", title = "Hydraulic oil too hot", description = "62 C after two hours" };

        var first = await _client.PostJsonAsync("/api/v1/tickets/triage", ticket);
        var second = await _client.PostJsonAsync("/api/v1/tickets/triage", ticket);

        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal("false", first.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        var audit = await factory.Services.GetRequiredService<AuditLog>().ReadAsync(1000);
        Assert.Single(audit, e => e.Target == "TCK-IDEM-1");
    }

    [Fact]
    public async Task An_edited_ticket_with_the_same_id_is_triaged_again()
    {
        var before = await ApiAssert.OkAsync(await _client.PostJsonAsync("/api/v1/tickets/triage",
            new { ticketId = "TCK-EDIT-1", machine = "CNC-3", title = "Drill broken" }));
        var edited = await _client.PostJsonAsync("/api/v1/tickets/triage",
            new { ticketId = "TCK-EDIT-1", machine = "CNC-3", title = "Drill broken, machine stopped" });

        var after = await ApiAssert.OkAsync(edited);
        Assert.Equal("false", edited.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.NotEqual(before.GetProperty("contentHash").GetString(), after.GetProperty("contentHash").GetString());
        Assert.Equal("P2", after.GetProperty("priority").GetProperty("level").GetString());
        var audit = await factory.Services.GetRequiredService<AuditLog>().ReadAsync(1000);
        Assert.Contains(audit, e => e.Target == "TCK-EDIT-1" && e.Action == "ticket.retriaged");
    }

    [Fact]
    public async Task Readings_in_the_ticket_go_through_the_machines_fault_classifier()
    {
        var response = await _client.PostJsonAsync("/api/v1/tickets/triage", new
        {
            ticketId = "TCK-READ-1",
            machine = "CNC-1",
            title = "Spindle load high on the last parts",
            readings = new Dictionary<string, double> { ["tool_wear"] = 220, ["torque"] = 65, ["rotational_speed"] = 1250 },
        });

        var likely = (await ApiAssert.OkAsync(response)).GetProperty("likelyFault");
        Assert.Equal("classifier", likely.GetProperty("source").GetString());
        Assert.Equal("overstrain", likely.GetProperty("label").GetString());
        Assert.Contains("milling-failure", likely.GetProperty("explanation").GetString());
        var probabilities = likely.GetProperty("probabilities").EnumerateObject().Select(p => p.Value.GetDouble()).ToList();
        Assert.InRange(probabilities.Sum(), 0.99, 1.01);
    }

    [Fact]
    public async Task Readings_the_classifier_cannot_use_are_noted_and_triage_goes_on()
    {
        var response = await _client.PostJsonAsync("/api/v1/tickets/triage", new
        {
            ticketId = "TCK-READ-2",
            machine = "CNC-2",
            title = "E-217 spindle overtemperature",
            readings = new Dictionary<string, double> { ["torque"] = -40 },
        });

        var triage = await ApiAssert.OkAsync(response);
        Assert.Equal("ticket fault code", triage.GetProperty("likelyFault").GetProperty("source").GetString());
        Assert.Equal("E-217", triage.GetProperty("likelyFault").GetProperty("label").GetString());
        Assert.Contains(triage.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("could not be classified", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_classifier_the_tickets_fault_code_is_the_likely_fault_with_the_manuals_words()
    {
        var response = await _client.PostJsonAsync("/api/v1/tickets/triage",
            new { ticketId = "TCK-IM-1", machine = "IM-2", title = "Zone 3 heater current low", description = "E-303 on zone 3, parts still ok" });

        var triage = await ApiAssert.OkAsync(response);
        var likely = triage.GetProperty("likelyFault");
        Assert.Equal(("ticket fault code", "E-303"), (likely.GetProperty("source").GetString(), likely.GetProperty("label").GetString()));
        var procedure = triage.GetProperty("procedure");
        Assert.Contains("E-303", procedure.GetProperty("section").GetString() + procedure.GetProperty("excerpt").GetString());
        Assert.Contains(triage.GetProperty("similarIncidents").EnumerateArray(), i => i.GetProperty("faultCode").GetString() == "E-303");
    }

    [Theory]
    [InlineData("""{"machine": "CNC-2", "title": "x"}""", "ticketId")]
    [InlineData("""{"ticketId": "has space", "machine": "CNC-2", "title": "x"}""", "ticketId")]
    [InlineData("""{"ticketId": "T-1", "title": "x"}""", "machine")]
    [InlineData("""{"ticketId": "T-1", "machine": "LATHE-9", "title": "x"}""", "machine")]
    [InlineData("""{"ticketId": "T-1", "machine": "CNC-2"}""", "title")]
    [InlineData("""{"ticketId": "T-1", "machine": "CNC-2", "title": "x", "readings": {"t": "hot"}}""", "$.readings")]
    [InlineData("""{"ticketId": "T-1", "machine": "CNC-2", "title": "x", "priority": "P1"}""", "$")]
    public async Task A_bad_ticket_is_a_400_problem_naming_the_field(string body, string field)
    {
        var response = await _client.PostAsync("/api/v1/tickets/triage", ApiAssert.Json(body));

        ApiAssert.NamesField(await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest), field);
    }

    [Fact]
    public async Task A_ticket_that_is_not_json_is_415()
    {
        var response = await _client.PostAsync("/api/v1/tickets/triage", new StringContent("ticket", System.Text.Encoding.UTF8, "text/plain"));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }
}
