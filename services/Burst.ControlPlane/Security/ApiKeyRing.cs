using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Security;

/// <summary>The configured API keys; none on a server without a keys file.</summary>
internal sealed class ApiKeyRing
{
    private readonly IReadOnlyList<ApiKeyEntry> _entries;

    public ApiKeyRing(IOptions<ControlPlaneOptions> options)
    {
        // The validator has read the file at start; a file that went bad since fails here, loudly.
        _entries = options.Value.ApiKeysFile is { Length: > 0 } file ? ApiKeysFile.Load(file) : [];
        Enabled = options.Value.ApiKeysFile is { Length: > 0 };
    }

    public bool Enabled { get; }

    public int Count => _entries.Count;

    /// <summary>
    /// The entry whose hash the presented key has, or null. Every entry is compared, each in constant time,
    /// so the time taken says nothing about which key, or how much of one, matched.
    /// </summary>
    public ApiKeyEntry? Find(string presented)
    {
        var hash = ApiKeys.Hash(presented);
        ApiKeyEntry? found = null;
        foreach (var entry in _entries)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, entry.Hash))
            {
                found ??= entry;
            }
        }

        return found;
    }
}
