using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Assistant.Core.Knowledge;
using Assistant.Core.Plant;
using Microsoft.Extensions.Options;

namespace Assistant.Web.Api;

/// <summary>A ticket after validation: trimmed, machine resolved against the plant layout.</summary>
public sealed record TicketInput(
    string TicketId,
    PlantMachine Machine,
    string Title,
    string Description,
    IReadOnlyDictionary<string, double>? Readings)
{
    /// <summary>SHA-256 of the normalised content: what "the same ticket" means for idempotency.</summary>
    public string ContentHash()
    {
        var canonical = JsonSerializer.Serialize(new object?[]
        {
            TicketId, Machine.Id, Title, Description,
            Readings?.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new object[] { r.Key, r.Value }).ToArray(),
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}

/// <summary>
/// Triage of a new ticket from the plant's own knowledge: the classifier when there are readings, the incidents most
/// like it, the manual section for its fault code or symptom, and a priority from a few rules a supervisor can read.
/// </summary>
public sealed partial class TriageService(
    IKnowledgeIndex index,
    PlantLayout plant,
    ITicketFaultClassifier classifier,
    IOptionsMonitor<TriageOptions> options,
    TimeProvider clock)
{
    private static readonly string[] SafetyWords =
    [
        "interlock", "light curtain", "light-curtain", "guard door", "guard open", "guard bypass", "emergency stop", "e-stop", "estop",
        "safety relay", "safety circuit", "two-hand", "injury", "injured", "hurt", "fire", "smoke", "burning smell", "electric shock",
        "muting", "trapped", "crush",
    ];

    private static readonly string[] StoppedWords =
    [
        "stopped", "line down", "machine down", "is down", "not running", "won't start", "wont start", "does not start",
        "cannot start", "can't start", "no production", "standstill", "stand still", "line stop", "blocked", "jammed", "seized",
    ];

    private static readonly string[] QualityWords =
    [
        "scrap", "reject", "out of tolerance", "tolerance", "dimension", "burr", "splay", "short shot", "flash", "defect",
        "crack", "warp", "sink mark", "surface finish", "chatter", "quality",
    ];

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "a", "an", "and", "or", "of", "on", "in", "at", "to", "is", "it", "was", "be", "with", "for", "from", "by",
        "after", "before", "then", "this", "that", "not", "no", "but", "as", "are", "has", "have", "had", "again", "machine",
    };

    public (TicketInput? Ticket, Dictionary<string, string[]>? Errors) Validate(TriageBody body)
    {
        var limits = options.CurrentValue;
        var errors = new Dictionary<string, string[]>();

        var ticketId = body.TicketId?.Trim() ?? "";
        if (!TicketIdPattern().IsMatch(ticketId))
        {
            errors["ticketId"] = [ticketId.Length == 0
                ? "ticketId is required: the ticketing system's id, e.g. \"TCK-88123\"."
                : "ticketId must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit."];
        }

        var machineId = body.Machine?.Trim() ?? "";
        var machine = machineId.Length == 0 ? null : plant.FindMachine(machineId);
        if (machine is null)
        {
            errors["machine"] = [machineId.Length == 0
                ? "machine is required, e.g. \"CNC-2\"."
                : $"Unknown machine '{Shorten(machineId)}'. Known: {string.Join(", ", plant.Machines.Select(m => m.Id))}."];
        }

        var title = Clean(body.Title);
        if (title.Length == 0)
        {
            errors["title"] = ["title is required: the ticket's one-line summary."];
        }
        else if (title.Length > limits.MaxTitleLength)
        {
            errors["title"] = [$"title has {title.Length} characters; at most {limits.MaxTitleLength} are allowed."];
        }

        var description = Clean(body.Description);
        if (description.Length > limits.MaxDescriptionLength)
        {
            errors["description"] = [$"description has {description.Length} characters; at most {limits.MaxDescriptionLength} are allowed."];
        }

        if (body.Readings is { } readings)
        {
            if (readings.Count > limits.MaxReadings)
            {
                errors["readings"] = [$"At most {limits.MaxReadings} readings are accepted; {readings.Count} were sent."];
            }
            else
            {
                foreach (var (name, value) in readings)
                {
                    if (!ReadingNamePattern().IsMatch(name))
                    {
                        errors[$"readings.{Shorten(name)}"] = ["A reading name is 1-64 letters, digits, '_', '.', '-' or spaces."];
                    }
                    else if (!double.IsFinite(value))
                    {
                        errors[$"readings.{name}"] = ["A reading must be a finite number."];
                    }
                }
            }
        }

        return errors.Count > 0
            ? (null, errors)
            : (new TicketInput(ticketId, machine!, title, description, body.Readings is { Count: > 0 } r ? r : null), null);
    }

    public async Task<TriageResult> TriageAsync(TicketInput ticket, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var notes = new List<string>();
        var text = $"{ticket.Title}\n{ticket.Description}";
        var codes = FaultCodePattern().Matches(text).Select(m => m.Value.ToUpperInvariant()).Distinct().ToList();
        var query = Shorten(string.Join(' ', codes.Concat([ticket.Title, ticket.Description])), 1000);

        var similar = await FindSimilarIncidentsAsync(ticket, query, settings.SimilarIncidents, cancellationToken);
        var procedure = await FindProcedureAsync(ticket, codes, query, cancellationToken);
        if (procedure is null)
        {
            notes.Add($"No manual section for {ticket.Machine.Id} matched the ticket.");
        }

        LikelyFault? fault = null;
        try
        {
            var verdict = await classifier.ClassifyAsync(ticket.Machine, ticket.Readings, cancellationToken);
            var said = verdict is null ? null :
                $"Classifier '{verdict.Classifier}' on the {verdict.InputSource}: {verdict.Label} ({verdict.Meaning}) with probability {verdict.Probability:0.00}." +
                (codes.Count > 0 ? $" The ticket names fault {string.Join(", ", codes)}." : "");
            if (verdict is { IsNormal: false } || (verdict is not null && codes.Count == 0))
            {
                fault = new LikelyFault("classifier", verdict.Label, Math.Round(verdict.Probability, 4), said!, verdict.Probabilities);
            }
            else if (verdict is not null)
            {
                // The classifier sees normal running, but the ticket names a fault code: the code says more.
                notes.Add(said!);
            }
            else if (ticket.Readings is not null)
            {
                notes.Add(ticket.Machine.Classifier is null
                    ? $"No fault classifier watches {ticket.Machine.Id}; the readings were not classified."
                    : $"The '{ticket.Machine.Classifier}' classifier is not available ({classifier.State.Description}).");
            }
        }
        catch (ArgumentException ex)
        {
            notes.Add($"The readings could not be classified: {ex.Message}");
        }

        fault ??= FaultFromCode(codes, procedure) ?? FaultFromIncidents(similar, settings.MinSimilarity);
        var priority = Prioritise(ticket, text, codes, procedure, similar, settings);
        return new TriageResult(
            ticket.TicketId, ticket.Machine.Id, ticket.Machine.Line, fault, similar, procedure, priority, notes,
            ticket.ContentHash(), clock.GetUtcNow());
    }

    private async Task<List<SimilarIncident>> FindSimilarIncidentsAsync(TicketInput ticket, string query, int count, CancellationToken cancellationToken)
    {
        // The machine's own history first, then machines of the same type (HP-1 and HP-2 fail alike).
        var hits = new List<ScoredPassage>(await index.SearchAsync(
            new SearchQuery(query, count * 2, new SearchFilter(DocumentKind.Incident, ticket.Machine.Id)), cancellationToken));
        foreach (var sibling in plant.Machines.Where(m => m.Type == ticket.Machine.Type && m.Id != ticket.Machine.Id))
        {
            hits.AddRange(await index.SearchAsync(
                new SearchQuery(query, count, new SearchFilter(DocumentKind.Incident, sibling.Id)), cancellationToken));
        }

        var ticketTerms = Terms($"{ticket.Title} {ticket.Description}");
        return hits
            .GroupBy(h => h.Passage.Id)
            .Select(g => g.First().Passage)
            .Select(p => ToSimilar(p, ticketTerms))
            .OrderByDescending(s => s.Similarity)
            .ThenByDescending(s => s.Machine == ticket.Machine.Id)
            .ThenBy(s => s.IncidentId, StringComparer.Ordinal)
            .Take(count)
            .ToList();
    }

    private static SimilarIncident ToSimilar(Passage passage, HashSet<string> ticketTerms)
    {
        string? Field(string name) => passage.Fields?.GetValueOrDefault(name) is { Length: > 0 } v ? v : null;

        var recordTerms = Terms(passage.Text);
        var similarity = ticketTerms.Count == 0 ? 0 : ticketTerms.Count(recordTerms.Contains) / (double)ticketTerms.Count;
        return new SimilarIncident(
            Field("id") ?? passage.SectionPath.FirstOrDefault() ?? passage.Id,
            passage.Id,
            Math.Round(similarity, 3),
            Field("date"),
            passage.Machine,
            Field("fault_code"),
            Field("symptom"),
            Field("root_cause"),
            Field("action"),
            int.TryParse(Field("downtime_min"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var d) ? d : null);
    }

    private async Task<ManualProcedure?> FindProcedureAsync(TicketInput ticket, List<string> codes, string query, CancellationToken cancellationToken)
    {
        var filter = new SearchFilter(DocumentKind.Manual, ticket.Machine.Id);
        foreach (var code in codes)
        {
            // A fault code in the ticket: the manual's entry for that code is the procedure that applies.
            var byCode = await index.SearchAsync(new SearchQuery(code, 5, filter), cancellationToken);
            var entry = byCode.FirstOrDefault(h => h.Passage.Section.Contains(code, StringComparison.OrdinalIgnoreCase))
                ?? byCode.FirstOrDefault(h => h.Passage.Text.Contains(code, StringComparison.OrdinalIgnoreCase));
            if (entry is not null)
            {
                return ToProcedure(entry.Passage);
            }
        }

        var hits = await index.SearchAsync(new SearchQuery(query, 1, filter), cancellationToken);
        return hits.Count > 0 ? ToProcedure(hits[0].Passage) : null;
    }

    private static ManualProcedure ToProcedure(Passage p) =>
        new(p.Id, p.Source, p.Title, p.Section, p.LineStart, p.LineEnd, Shorten(p.Text, 800));

    private static LikelyFault? FaultFromCode(List<string> codes, ManualProcedure? procedure)
    {
        if (codes.Count == 0)
        {
            return null;
        }

        var code = codes[0];
        var line = procedure is null ? null : LineWith(procedure.Excerpt, code);
        return new LikelyFault(
            "ticket fault code", code, null,
            line is null
                ? $"The ticket names fault {code}."
                : $"The ticket names fault {code}; the manual ({procedure!.Section}) says: {Shorten(line, 300)}");
    }

    private static LikelyFault? FaultFromIncidents(List<SimilarIncident> similar, double minSimilarity)
    {
        var relevant = similar.Where(s => s.Similarity >= minSimilarity && s.FaultCode is not null).ToList();
        if (relevant.Count == 0)
        {
            return null;
        }

        var top = relevant.GroupBy(s => s.FaultCode!).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Max(s => s.Similarity)).First();
        var share = top.Count() / (double)relevant.Count;
        return new LikelyFault(
            "similar incidents", top.Key, Math.Round(share, 3),
            $"{top.Count()} of the {relevant.Count} most similar past incidents were {top.Key} ({string.Join(", ", top.Select(s => s.IncidentId))}).");
    }

    private static SuggestedPriority Prioritise(
        TicketInput ticket, string text, List<string> codes, ManualProcedure? procedure, List<SimilarIncident> similar, TriageOptions settings)
    {
        if (FindWord(text, SafetyWords) is { } safetyWord)
        {
            return new SuggestedPriority("P1", "safety", $"The ticket mentions '{safetyWord}': a safety function or a person may be involved.");
        }

        foreach (var code in codes)
        {
            if (procedure is not null && LineWith(procedure.Excerpt, code) is { } line && FindWord(line, SafetyWords) is { } word)
            {
                return new SuggestedPriority("P1", "safety-fault-code",
                    $"Fault {code} concerns a safety function: the manual ({procedure.Section}) mentions '{word}' for it.");
            }
        }

        if (FindWord(text, StoppedWords) is { } stopped)
        {
            return new SuggestedPriority("P2", "machine-stopped", $"The ticket says the machine is stopped ('{stopped}'); {ticket.Machine.Line} loses output.");
        }

        var downtimes = similar.Where(s => s.Similarity >= settings.MinSimilarity && s.DowntimeMinutes is not null)
            .Select(s => s.DowntimeMinutes!.Value).Order().ToList();
        var median = downtimes.Count == 0 ? 0 : downtimes[downtimes.Count / 2];
        if (downtimes.Count > 0 && median >= settings.P2DowntimeMinutes)
        {
            return new SuggestedPriority("P2", "historical-downtime",
                $"Similar past incidents cost a median {median} min of downtime ({downtimes.Count} incidents; P2 from {settings.P2DowntimeMinutes} min).");
        }

        if (FindWord(text, QualityWords) is { } quality)
        {
            return new SuggestedPriority("P3", "quality", $"The ticket reports a quality problem ('{quality}'): parts may need containment.");
        }

        if (downtimes.Count > 0 && median >= settings.P3DowntimeMinutes)
        {
            return new SuggestedPriority("P3", "historical-downtime",
                $"Similar past incidents cost a median {median} min of downtime ({downtimes.Count} incidents; P3 from {settings.P3DowntimeMinutes} min).");
        }

        return new SuggestedPriority("P4", "routine", "No safety, stoppage or quality signal, and similar incidents were short: plan it with routine work.");
    }

    private static string? FindWord(string text, string[] words) =>
        words.FirstOrDefault(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));

    private static string? LineWith(string text, string code) =>
        text.Split('\n').FirstOrDefault(l => l.Contains(code, StringComparison.OrdinalIgnoreCase))?.Trim();

    private static HashSet<string> Terms(string text)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in WordPattern().Matches(text.ToLowerInvariant()))
        {
            var word = m.Value.Trim('-', '.', '_');
            if (word.Length >= 2 && !StopWords.Contains(word))
            {
                terms.Add(word.Length > 4 && word.EndsWith('s') ? word[..^1] : word);
            }
        }

        return terms;
    }

    /// <summary>Trims, and folds line breaks and other control characters to spaces: ticket text is one block.</summary>
    private static string Clean(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "";
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString().Trim();
    }

    private static string Shorten(string s, int max = 40) => s.Length <= max ? s : s[..max] + "…";

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex TicketIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.\- ]{1,64}$")]
    private static partial Regex ReadingNamePattern();

    [GeneratedRegex(@"\b[Ee]-\d{3}\b")]
    private static partial Regex FaultCodePattern();

    [GeneratedRegex(@"[\p{L}\p{N}][\p{L}\p{N}._-]*")]
    private static partial Regex WordPattern();
}
