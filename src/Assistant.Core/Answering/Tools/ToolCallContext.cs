using Microsoft.SemanticKernel;

namespace Assistant.Core.Answering.Tools;

/// <summary>Arguments a question named for the tool it forces ("classify CNC-2 now": machine = CNC-2).</summary>
/// <param name="ToolName">The tool's own name (classify_fault), not the name the model sees.</param>
public sealed record PinnedArguments(string ToolName, IReadOnlyDictionary<string, string> Values);

/// <summary>
/// What the checks on a tool call need to know about the request the call serves: who asks (their lines) and which
/// arguments the question pinned; and what the checks noted for the answer. One per answer, carried in the
/// request's kernel (<see cref="PlantTools.KernelFor"/>), so every filter reads the same request whichever path
/// (the model's tool loop or a direct run) invoked the tool.
/// </summary>
public sealed class ToolCallContext(AskRequest request, PinnedArguments? pinned = null)
{
    private const string Key = "Assistant.ToolCallContext";
    private readonly List<string> _notes = [];

    public AskRequest Request { get; } = request;

    public PinnedArguments? Pinned { get; } = pinned;

    /// <summary>What the answer should tell the reader about its tool calls (e.g. the round limit was reached).</summary>
    public IReadOnlyList<string> Notes
    {
        get
        {
            lock (_notes)
            {
                return [.. _notes];
            }
        }
    }

    public void Note(string note)
    {
        lock (_notes)
        {
            if (!_notes.Contains(note))
            {
                _notes.Add(note);
            }
        }
    }

    /// <summary>The request a kernel serves. A kernel without one is refused, so no check is skipped for want of it.</summary>
    public static ToolCallContext Of(Kernel kernel) =>
        kernel.Data.TryGetValue(Key, out var value) && value is ToolCallContext context
            ? context
            : throw new InvalidOperationException(
                "The tool was invoked through a kernel that serves no request, so the asker's lines cannot be checked; use PlantTools.KernelFor(request).");

    internal void AttachTo(Kernel kernel) => kernel.Data[Key] = this;
}
