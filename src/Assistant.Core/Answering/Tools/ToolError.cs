namespace Assistant.Core.Answering.Tools;

/// <summary>
/// What a tool call yields instead of a result when a check refused it or the tool failed: the reason, worded for
/// the person reading the tool card and for the model, which gets it as the call's result. Never replaced by a
/// made-up result.
/// </summary>
public sealed record ToolError(string Error);
