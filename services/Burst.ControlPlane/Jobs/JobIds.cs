using System.Security.Cryptography;

namespace Burst.ControlPlane.Jobs;

/// <summary>
/// Job ids: "j-" then 16 lowercase Crockford base32 characters, 10 for the creation time in
/// milliseconds and 6 random. They are short, URL-safe, and sort (as plain strings) by creation time;
/// ids made in the same millisecond by one process still sort in the order they were made.
/// </summary>
internal sealed class JobIds(TimeProvider time)
{
    public const string Prefix = "j-";
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    private const int TimeChars = 10;
    private const int RandomChars = 6;
    private const long RandomLimit = 1L << (5 * RandomChars);

    private readonly Lock _gate = new();
    private long _lastMs = -1;
    private long _lastRandom;

    public string Next()
    {
        long ms;
        long random;
        lock (_gate)
        {
            ms = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), _lastMs);
            if (ms == _lastMs && _lastRandom + 1 < RandomLimit)
            {
                random = _lastRandom + 1;
            }
            else
            {
                if (ms == _lastMs)
                {
                    ms++;
                }

                // The lower half of the random range leaves room to count up within one millisecond.
                random = RandomNumberGenerator.GetInt32((int)(RandomLimit / 2));
            }

            _lastMs = ms;
            _lastRandom = random;
        }

        Span<char> chars = stackalloc char[Prefix.Length + TimeChars + RandomChars];
        Prefix.CopyTo(chars);
        Encode(ms, chars.Slice(Prefix.Length, TimeChars));
        Encode(random, chars.Slice(Prefix.Length + TimeChars, RandomChars));
        return new string(chars);
    }

    public static bool IsWellFormed(string? id) =>
        id is { Length: 18 } && id.StartsWith(Prefix, StringComparison.Ordinal) && id.AsSpan(Prefix.Length).IndexOfAnyExcept(Alphabet) < 0;

    private static void Encode(long value, Span<char> into)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }
    }
}
