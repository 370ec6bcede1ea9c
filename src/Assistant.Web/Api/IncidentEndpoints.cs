using System.Globalization;
using System.Text.RegularExpressions;
using Assistant.Core.Knowledge;
using Assistant.Core.Plant;
using Assistant.Web.Security;
using Assistant.Web.Storage;
using Microsoft.AspNetCore.Mvc;

namespace Assistant.Web.Api;

/// <summary>A resolved ticket from the ticketing system.</summary>
/// <param name="Date">When it happened, "yyyy-MM-dd".</param>
/// <param name="Line">Production line id; optional (the machine's line), must match the machine when given.</param>
/// <param name="ReporterRole">technician, operator, engineer or quality.</param>
/// <param name="FaultCode">The fault code shown, e.g. "E-217"; optional.</param>
/// <param name="Parts">Part numbers used, e.g. ["VMC-CHF-050"].</param>
/// <param name="DowntimeMinutes">Minutes the machine was down (0 when it kept running).</param>
public sealed record IncidentBody(
    string? Id,
    string? Date,
    string? Line,
    string? Machine,
    string? ReporterRole,
    string? Symptom,
    string? FaultCode,
    string? RootCause,
    string? Action,
    List<string>? Parts,
    int? DowntimeMinutes);

/// <param name="PassageId">The incident's passage in the index; <c>GET /api/v1/sources/{passageId}</c> shows it.</param>
public sealed record IncidentRecorded(string Id, string Source, int LineNumber, string PassageId);

internal static partial class IncidentEndpoints
{
    private static readonly string[] Roles = ["technician", "operator", "engineer", "quality"];

    public static RouteGroupBuilder MapIncidentApi(this RouteGroupBuilder api)
    {
        api.MapPost("/incidents", RecordAsync)
            .WithName("RecordIncident")
            .WithSummary("Record a resolved ticket as an incident: stored durably and searchable by the next query.")
            .WithDescription("201 means the record is on disk (fsync) and in the index. An id already in an incident log is 409.")
            .Accepts<IncidentBody>("application/json")
            .Produces<IncidentRecorded>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .RequireApiScope(ApiScopes.IncidentsWrite);
        return api;
    }

    private static async Task<IResult> RecordAsync(
        HttpContext context, PlantLayout plant, [FromServices] IIncidentLog log, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<IncidentBody>(context.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (report, errors) = Validate(body!, plant, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        if (errors is not null)
        {
            return ApiJson.Invalid(errors);
        }

        RecordedIncident recorded;
        try
        {
            // Not the request's token: once the append has started it finishes, so 201 and the file agree.
            recorded = await log.RecordAsync(report!, CancellationToken.None);
        }
        catch (DuplicateIncidentException ex)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "This incident is already recorded.",
                detail: $"Incident '{ex.IncidentId}' is already in {ex.LogSource}. Incident ids are unique; send a correction as a new id.");
        }

        await audit.WriteAsync(ApiCaller.Actor(context), "incident.recorded", recorded.Id,
            new { machine = report!.Machine, faultCode = report.FaultCode, downtimeMinutes = report.DowntimeMinutes, source = recorded.Source },
            CancellationToken.None);
        return Results.Created(
            $"/api/v1/sources/{Uri.EscapeDataString(recorded.PassageId)}",
            new IncidentRecorded(recorded.Id, recorded.Source, recorded.LineNumber, recorded.PassageId));
    }

    internal static (IncidentReport? Report, Dictionary<string, string[]>? Errors) Validate(IncidentBody body, PlantLayout plant, DateOnly today)
    {
        var errors = new Dictionary<string, string[]>();

        var id = body.Id?.Trim() ?? "";
        if (!IdPattern().IsMatch(id))
        {
            errors["id"] = [id.Length == 0
                ? "id is required: the ticket's id, e.g. \"TCK-88123\"."
                : "id must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit."];
        }

        var date = default(DateOnly);
        if (string.IsNullOrWhiteSpace(body.Date))
        {
            errors["date"] = ["date is required, as yyyy-MM-dd."];
        }
        else if (!DateOnly.TryParseExact(body.Date.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            errors["date"] = ["date must be a calendar date as yyyy-MM-dd, e.g. \"2025-03-14\"."];
        }
        else if (date > today.AddDays(1))
        {
            errors["date"] = [$"date {date:yyyy-MM-dd} is in the future; an incident is recorded once it is resolved."];
        }

        var machineId = body.Machine?.Trim() ?? "";
        var machine = machineId.Length == 0 ? null : plant.FindMachine(machineId);
        if (machine is null)
        {
            errors["machine"] = [machineId.Length == 0
                ? "machine is required, e.g. \"CNC-2\"."
                : $"Unknown machine '{Shorten(machineId)}'. Known: {string.Join(", ", plant.Machines.Select(m => m.Id))}."];
        }

        var line = body.Line?.Trim();
        if (string.IsNullOrEmpty(line))
        {
            line = machine?.Line;
        }
        else if (machine is not null && !string.Equals(line, machine.Line, StringComparison.OrdinalIgnoreCase))
        {
            errors["line"] = [$"Machine {machine.Id} is on line {machine.Line}, not '{Shorten(line)}'; send {machine.Line} or leave line out."];
        }
        else
        {
            line = machine?.Line ?? line;
        }

        var role = body.ReporterRole?.Trim().ToLowerInvariant() ?? "";
        if (!Roles.Contains(role))
        {
            errors["reporterRole"] = [$"reporterRole must be one of {string.Join(", ", Roles)}."];
        }

        var symptom = Text(body.Symptom, "symptom", 2000, errors, "what was seen, in the reporter's words");
        var rootCause = Text(body.RootCause, "rootCause", 2000, errors, "what caused it");
        var action = Text(body.Action, "action", 2000, errors, "what fixed it");

        var faultCode = body.FaultCode?.Trim();
        if (string.IsNullOrEmpty(faultCode))
        {
            faultCode = null;
        }
        else if (!FaultCodePattern().IsMatch(faultCode))
        {
            errors["faultCode"] = ["faultCode must look like \"E-217\" (letters, a dash, digits); leave it out when none was shown."];
        }
        else
        {
            faultCode = faultCode.ToUpperInvariant();
        }

        var parts = new List<string>();
        if (body.Parts is { } given)
        {
            if (given.Count > 20)
            {
                errors["parts"] = [$"At most 20 parts are accepted; {given.Count} were sent."];
            }
            else
            {
                for (var i = 0; i < given.Count; i++)
                {
                    var part = given[i]?.Trim() ?? "";
                    if (!PartPattern().IsMatch(part))
                    {
                        errors[$"parts[{i}]"] = ["A part number is 1-40 letters, digits, '.', '_', '/' or '-', e.g. \"VMC-CHF-050\"."];
                    }
                    else
                    {
                        parts.Add(part);
                    }
                }
            }
        }

        if (body.DowntimeMinutes is null)
        {
            errors["downtimeMinutes"] = ["downtimeMinutes is required (0 when the machine kept running)."];
        }
        else if (body.DowntimeMinutes is < 0 or > 100_000)
        {
            errors["downtimeMinutes"] = ["downtimeMinutes must be between 0 and 100000."];
        }

        return errors.Count > 0
            ? (null, errors)
            : (new IncidentReport(id, date, line, machine!.Id, role, symptom, faultCode, rootCause, action, parts, body.DowntimeMinutes!.Value), null);
    }

    /// <summary>A required free-text field: trimmed, line breaks and control characters folded to spaces (one CSV cell, one line).</summary>
    private static string Text(string? value, string field, int max, Dictionary<string, string[]> errors, string what)
    {
        var cleaned = new string((value ?? "").Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        if (cleaned.Length == 0)
        {
            errors[field] = [$"{field} is required: {what}."];
        }
        else if (cleaned.Length > max)
        {
            errors[field] = [$"{field} has {cleaned.Length} characters; at most {max} are allowed."];
        }

        return cleaned;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[A-Za-z]{1,4}-?\d{1,5}$")]
    private static partial Regex FaultCodePattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")]
    private static partial Regex PartPattern();
}
