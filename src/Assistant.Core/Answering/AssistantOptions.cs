namespace Assistant.Core.Answering;

/// <summary>The <c>Assistant</c> section of <c>appsettings.json</c>: how questions become answers.</summary>
public sealed class AssistantOptions
{
    public const string SectionName = "Assistant";

    /// <summary>Folder of the system and task prompts (relative to the content root).</summary>
    public string PromptsPath { get; set; } = "prompts";

    // Assistant:PlantLayoutPath (the plant's lines and machines) is read by AddPlantLayout, shared with the tools.

    /// <summary>Who a question goes to when the documents do not answer it, or when a request is refused.</summary>
    public string EscalateTo { get; set; } = "the shift maintenance lead";

    /// <summary>How many times the model may call tools before it must answer with what it has.</summary>
    public int MaxToolRounds { get; set; } = 3;

    /// <summary>Tokens kept free in the context for the model's reply (also its output limit).</summary>
    public int AnswerTokens { get; set; } = 512;

    /// <summary>Tokens the chat template adds around each message (role markers); counted into the budget.</summary>
    public int MessageOverheadTokens { get; set; } = 8;

    /// <summary>Sampling temperature for answers; low, so answers stay close to the documents.</summary>
    public float Temperature { get; set; } = 0.2f;

    /// <summary>Most passages retrieved for one answer, whatever the request asks.</summary>
    public int MaxPassages { get; set; } = 12;

    /// <summary>
    /// Search for the machine's lock-out/tag-out and PPE section, added as the lowest-ranked passage for
    /// technicians and cited by refusals; empty turns it off.
    /// </summary>
    public string SafetyQuery { get; set; } = "lock-out tag-out LOTO isolation PPE personal protective equipment";

    public AdapterOptions Adapters { get; set; } = new();
}

/// <summary>Which LoRA adapters (by the names in the adapter manifest) a request uses, and at what scale.</summary>
public sealed class AdapterOptions
{
    /// <summary>Adapters by role: <c>Technician</c>, <c>Engineer</c> → adapter name → scale.</summary>
    public Dictionary<string, Dictionary<string, float>> ByRole { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Kinds of question recognised by keywords, each with its adapters; they win over the role's scale.</summary>
    public List<QuestionKindOptions> QuestionKinds { get; set; } = [];
}

public sealed class QuestionKindOptions
{
    public string Name { get; set; } = "";

    /// <summary>Words or phrases that make a question this kind (case-insensitive, matched at a word start: "defect" matches "defects").</summary>
    public List<string> Keywords { get; set; } = [];

    public Dictionary<string, float> Adapters { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
