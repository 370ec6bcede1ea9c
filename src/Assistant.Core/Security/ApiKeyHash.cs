using System.Security.Cryptography;
using System.Text;

namespace Assistant.Core.Security;

/// <summary>
/// How API keys are kept: configuration holds only <c>sha256:HEX</c> of the key, so a leaked appsettings.json
/// opens nothing. Shared by the web host (checking) and the <c>api-key</c> command (creating).
/// </summary>
public static class ApiKeyHash
{
    public const string Prefix = "sha256:";

    /// <summary>Keys the <c>api-key</c> command makes start with this, so a key pasted in the wrong place is recognisable.</summary>
    public const string KeyPrefix = "sfa_";

    public static string Compute(string key) =>
        Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A new random key: 32 bytes from the OS generator, base64url.</summary>
    public static string NewKey() =>
        KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Constant-time comparison of a presented key against a configured hash.</summary>
    public static bool Matches(string key, string configuredHash)
    {
        var actual = Encoding.ASCII.GetBytes(Compute(key));
        var expected = Encoding.ASCII.GetBytes(configuredHash.Trim().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    public static bool IsWellFormed(string configuredHash) =>
        configuredHash.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) &&
        configuredHash.Length == Prefix.Length + 64 &&
        configuredHash.AsSpan(Prefix.Length).ContainsAnyExcept("0123456789abcdefABCDEF") == false;
}
