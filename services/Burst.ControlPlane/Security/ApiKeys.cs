using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Burst.ControlPlane.Security;

/// <summary>
/// API keys: "burst_" and 32 random bytes in base64url, given to a client once; the server keeps only
/// the SHA-256 of the key's text, in hex, so a keys line is <c>printf %s KEY | sha256sum</c>.
/// </summary>
public static partial class ApiKeys
{
    public const string Prefix = "burst_";
    public const int HashBytes = 32;

    public static string Create() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>The keys-file line for a key.</summary>
    public static string FileLine(string name, ApiRole role, string key) =>
        $"{name} {ApiRoles.Name(role)} {Convert.ToHexStringLower(Hash(key))}";

    /// <summary>A key's name: a letter, then letters, digits, '.', '_', '-', '@' (at most 64).</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9._@-]{0,63}$")]
    private static partial Regex NamePattern();
}

/// <summary>One line of the keys file.</summary>
public sealed record ApiKeyEntry(string Name, ApiRole Role, byte[] Hash);

/// <summary>A keys file that cannot be used: the message names the file and the line.</summary>
public sealed class ApiKeysFileException(string message) : Exception(message);

/// <summary>Reads the keys file: <c>NAME ROLE SHA256-HEX</c> lines, '#' comments and blank lines.</summary>
public static class ApiKeysFile
{
    public static IReadOnlyList<ApiKeyEntry> Load(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ApiKeysFileException($"{path}: cannot read the API keys file: {e.Message}");
        }

        return Parse(path, lines);
    }

    public static IReadOnlyList<ApiKeyEntry> Parse(string path, IReadOnlyList<string> lines)
    {
        var entries = new List<ApiKeyEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var text = lines[i];
            var hash = text.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                text = text[..hash];
            }

            var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                continue;
            }

            // The error names the line and the part, never quotes the line: it may hold a key pasted by mistake.
            string Where() => $"{path}: line {i + 1}";
            if (parts.Length != 3)
            {
                throw new ApiKeysFileException($"{Where()}: expected NAME ROLE SHA256-HEX, found {parts.Length} field(s).");
            }

            if (!ApiKeys.IsValidName(parts[0]))
            {
                throw new ApiKeysFileException($"{Where()}: the name must start with a letter and hold only letters, digits, '.', '_', '-' or '@' (at most 64).");
            }

            if (!names.Add(parts[0]))
            {
                throw new ApiKeysFileException($"{Where()}: the name {parts[0]} is used twice.");
            }

            if (!ApiRoles.TryParse(parts[1], out var role))
            {
                throw new ApiKeysFileException($"{Where()}: the role must be one of {string.Join(", ", ApiRoles.Names)}.");
            }

            if (parts[2].Length != ApiKeys.HashBytes * 2 || !parts[2].All(Uri.IsHexDigit))
            {
                throw new ApiKeysFileException($"{Where()}: the third field must be the key's SHA-256 as 64 hex digits (see `burst keys create`).");
            }

            entries.Add(new ApiKeyEntry(parts[0], role, Convert.FromHexString(parts[2])));
        }

        return entries;
    }
}
