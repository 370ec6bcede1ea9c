using System.Text.RegularExpressions;

namespace Assistant.Core.Safety;

/// <summary>
/// A deterministic check, independent of the prompts and the model, for text that asks for or advises
/// bypassing a safety device (interlock, guard, light curtain, emergency stop...). It runs on the question and
/// on every sentence of a model's answer before the sentence reaches the tablet, so neither a user nor a
/// poisoned document nor a model that ignores its instructions can get such advice through.
/// </summary>
/// <remarks>
/// Patterns stay within one sentence (no '.', newline) so the sentence-by-sentence check and the check of the
/// whole answer agree. A warning against bypassing ("never bypass the interlock", "bypassing the guard is
/// prohibited") is not a finding.
/// </remarks>
public static partial class SafetyGuard
{
    private const string Device =
        @"(?:interlock(?:s|ed|ing)?|(?:machine\s+|safety\s+|fixed\s+|movable\s+)?guard(?:s|ing)?|light[\s-]+(?:curtain|grid)s?|"
        + @"e-?stops?|emergency[\s-]+stop(?:s|\s+buttons?|\s+circuits?)?|(?:safety|door|guard|gate|interlock)[\s-]+switch(?:es)?|"
        + @"safety[\s-]+(?:relays?|circuits?|devices?|scanners?|mats?|edges?|plc|controller|sensors?)|two[\s-]hand(?:\s+control|\s+buttons?)?|"
        + @"enabling\s+(?:switch|device)|presence[\s-]+sensing(?:\s+device)?|pressure[\s-]+sensitive\s+mats?)";

    // Words that may sit between the verb and the device: "bypass the front door interlock".
    private const string Filler =
        @"(?:(?:the|a|an|this|that|these|those|its|their|your|my|our|any|both|all|each|every|door|front|rear|back|side|left|right|main|"
        + @"upper|lower|gate|cabinet|hood|cell|press|machine|robot|spindle|tool|operator|electrical|mechanical|magnetic|coded|key|keyed|hinged|"
        + @"fixed|movable|perimeter|safety|infeed|outfeed|loading|access)\s+){0,4}";

    private const string Verb =
        @"(?:by-?pass(?:es|ed|ing)?|defeat(?:s|ed|ing)?|jumper(?:s|ed|ing)?(?:\s+out)?|jump(?:s|ed|ing)?\s+out|override|overrides|overriding|overridden|"
        + @"circumvent(?:s|ed|ing)?|disabl(?:e|es|ed|ing)|short(?:s|ed|ing)?\s+out|short[\s-]circuit(?:s|ed|ing)?|cheat(?:s|ed|ing)?|fool(?:s|ed|ing)?|"
        + @"trick(?:s|ed|ing)?|tie(?:s|d)?\s+(?:back|down|open|up)|tying\s+(?:back|down|open|up)|tape(?:s|d)?\s+(?:over|down|up|open)|taping\s+(?:over|down|up|open)|"
        + @"wedg(?:e|es|ed|ing)(?:\s+open)?|get\s+around|getting\s+around|work\s+around|working\s+around|force(?:s|d)?\s+(?:closed|open|on)|forcing\s+(?:closed|open|on))";

    private static readonly Regex[] Patterns =
    [
        // "bypass the door interlock", "jumper out the light curtain"
        new($@"\b{Verb}\s+(?:out\s+)?{Filler}{Device}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
        // "jumper terminals 13 and 14 on the safety relay", "bridge X1 to X2 of the door switch"
        new($@"\b(?:jumper(?:s|ed|ing)?|bridg(?:e|es|ed|ing)|link\s+out|wire\s+(?:around|past))\b[^.\n!?]{{0,60}}\b{Device}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
        // "the interlock can be bypassed", "the guard switch gets jumpered"
        new($@"\b{Device}[^.,;\n!?]{{0,30}}\b(?:is|are|be|been|being|was|were|get|gets|got)\s+(?:\w+\s+)?(?:by-?passed|defeated|jumpered|overridden|circumvented|shorted\s+out|tied\s+(?:back|down|open)|taped\s+(?:over|down)|wedged(?:\s+open)?)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
        // "run the press with the guard removed"
        new($@"\b(?:run|runs|running|operate|operates|operating|produce|producing|cycle|cycling|start\s+production)\b[^.\n!?]{{0,40}}\bwith\s+{Filler}{Device}\s+(?:\w+\s+)?(?:open|opened|removed|off|disabled|by-?passed|defeated|jumpered|taped\s+over|tied\s+back)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
        // "run the cell without the light curtain"
        new($@"\b(?:run|runs|running|operate|operates|operating|produce|producing|cycle|cycling|start\s+production)\b[^.\n!?]{{0,40}}\bwithout\s+{Filler}{Device}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
    ];

    // A warning before the finding, in the same clause: "do not bypass", "never run ... with the guard open".
    private static readonly Regex NegationBefore = new(
        @"\b(?:not|never|no\s+one|nobody|don't|dont|doesn't|mustn't|can't|cannot|won't|shouldn't|without|avoid|prohibited|forbidden|refuse)\b[^,;:\n]*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    // A warning inside a passive finding: "the interlock must never be bypassed".
    private static readonly Regex NegationInside = new(
        @"\b(?:not|never|n't)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    // A warning after the finding: "bypassing the guard is prohibited".
    private static readonly Regex NegationAfter = new(
        @"^[\s,]*(?:is|are|would\s+be|will\s+be|was)\s+(?:strictly\s+|absolutely\s+)?(?:prohibited|forbidden|not\s+(?:allowed|permitted)|never\s+(?:allowed|permitted)|illegal|dangerous|unsafe|a\s+(?:serious\s+)?(?:violation|offence|offense|dismissal))",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>
    /// The phrase of a question that asks how to bypass a safety device, or null. A question about a bypass that
    /// was found or reported ("has anyone bridged the light curtain before, and what was done?") is an engineer's
    /// or a technician's legitimate question and is answered from the records; the answer itself is still
    /// checked by <see cref="FindBypass"/>, so no advice to defeat a device gets out either way.
    /// </summary>
    public static string? FindBypassRequest(string question)
    {
        var phrase = FindBypass(question);
        return phrase is not null && AboutWhatHappened.IsMatch(question) && !AsksHow.IsMatch(question) ? null : phrase;
    }

    private static readonly Regex AboutWhatHappened = new(
        @"\b(?:has\s+anyone|have\s+(?:we|you|they)|did\s+(?:anyone|someone|we)|(?:was|were)\s+(?:found|discovered|reported)|found\s+(?:a|the|it)|who\s+(?:has|had)|when\s+was|what\s+was\s+done|incidents?|report(?:ed|ing)?|history|before)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly Regex AsksHow = new(
        @"\b(?:how\s+(?:do|can|could|should|would|to)|is\s+there\s+a\s+way|can\s+(?:i|we|you)|tell\s+me|show\s+me|steps?\s+to)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>The first phrase in <paramref name="text"/> that asks for or advises bypassing a safety device, or null.</summary>
    public static string? FindBypass(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        foreach (var pattern in Patterns)
        {
            for (var match = pattern.Match(text); match.Success; match = match.NextMatch())
            {
                if (!IsWarning(text, match))
                {
                    return match.Value;
                }
            }
        }

        return null;
    }

    private static bool IsWarning(string text, Match match)
    {
        var clauseStart = Math.Max(0, match.Index - 40);
        var before = text[clauseStart..match.Index];
        var sentenceBreak = before.LastIndexOfAny(['.', '!', '?', '\n']);
        if (sentenceBreak >= 0)
        {
            before = before[(sentenceBreak + 1)..];
        }

        var afterEnd = Math.Min(text.Length, match.Index + match.Length + 60);
        var after = text[(match.Index + match.Length)..afterEnd];
        return NegationBefore.IsMatch(before) || NegationInside.IsMatch(match.Value) || NegationAfter.IsMatch(after);
    }
}
