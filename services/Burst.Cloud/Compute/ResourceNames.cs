using System.Text;

namespace Burst.Cloud.Compute;

/// <summary>Names and label values in the forms Compute Engine accepts.</summary>
public static class ResourceNames
{
    /// <summary>
    /// A label value: lowercase letters, digits, '_' and '-', at most 63 characters; anything else
    /// becomes '-'.
    /// </summary>
    public static string LabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(Math.Min(value.Length, 63));
        foreach (var c in value.ToLowerInvariant())
        {
            if (builder.Length == 63)
            {
                break;
            }

            builder.Append(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-' ? c : '-');
        }

        return builder.ToString();
    }

    /// <summary>
    /// A resource name (RFC 1035: a lowercase letter, then letters, digits or '-', at most 63, not
    /// ending in '-') made from <paramref name="parts"/> joined by '-'.
    /// </summary>
    public static string Resource(params string[] parts)
    {
        var value = LabelValue(string.Join('-', parts)).Replace('_', '-');
        if (value.Length == 0 || !char.IsAsciiLetterLower(value[0]))
        {
            value = ("b-" + value)[..Math.Min(63, value.Length + 2)];
        }

        return value.TrimEnd('-');
    }

    /// <summary>The last segment of a resource URL (…/zones/us-central1-a → us-central1-a).</summary>
    public static string LastSegment(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url[(url.TrimEnd('/').LastIndexOf('/') + 1)..].TrimEnd('/');
    }
}
