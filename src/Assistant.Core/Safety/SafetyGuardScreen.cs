namespace Assistant.Core.Safety;

/// <summary>
/// The content screen as far as <see cref="SafetyGuard"/> reaches today: instructions to defeat a safety device.
/// </summary>
public sealed class SafetyGuardScreen : IContentScreen
{
    public ScreenFinding? Screen(string text) =>
        SafetyGuard.FindBypass(text) is { } phrase ? new ScreenFinding(ScreenFindingKind.DefeatsSafety, phrase) : null;
}
