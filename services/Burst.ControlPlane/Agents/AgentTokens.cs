using System.Buffers.Text;
using System.Security.Cryptography;

namespace Burst.ControlPlane.Agents;

/// <summary>Agent tokens: 32 random bytes, base64url in clear for the agent, stored as their SHA-256.</summary>
internal static class AgentTokens
{
    public const int Bytes = 32;

    public static string Create() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(Bytes));

    public static byte[] Hash(string token) => TryHash(token) ?? throw new ArgumentException("not an agent token", nameof(token));

    /// <summary>The stored form of a token, or null when the text cannot be one.</summary>
    public static byte[]? TryHash(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 64)
        {
            return null;
        }

        Span<byte> raw = stackalloc byte[48];
        if (Base64Url.DecodeFromChars(token, raw, out _, out var written) != System.Buffers.OperationStatus.Done || written != Bytes)
        {
            return null;
        }

        return SHA256.HashData(raw[..written]);
    }
}
