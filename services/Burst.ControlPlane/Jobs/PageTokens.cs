using System.Text;

namespace Burst.ControlPlane.Jobs;

/// <summary>ListJobs page tokens: opaque to clients, the last job id of the page underneath.</summary>
internal static class PageTokens
{
    private const string Prefix = "v1:";

    public static string Encode(string lastJobId) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Prefix + lastJobId));

    public static bool TryDecode(string token, out string? lastJobId)
    {
        lastJobId = null;
        try
        {
            var text = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token));
            if (text.StartsWith(Prefix, StringComparison.Ordinal) && JobIds.IsWellFormed(text[Prefix.Length..]))
            {
                lastJobId = text[Prefix.Length..];
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }
}
