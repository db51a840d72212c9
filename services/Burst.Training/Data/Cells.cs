using System.Globalization;

namespace Burst.Training;

/// <summary>How single cells are read: numbers in the invariant culture, and the spellings that mean "missing".</summary>
internal static class Cells
{
    private static readonly string[] MissingTokens = ["?", "NA", "N/A", "NaN", "null", "None"];

    public static bool IsMissing(ReadOnlySpan<char> cell)
    {
        if (cell.IsEmpty)
        {
            return true;
        }

        foreach (var token in MissingTokens)
        {
            if (cell.Equals(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public static bool TryParseNumber(ReadOnlySpan<char> cell, out float value) =>
        float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);

    /// <summary>The most characters of one cell an error message quotes.</summary>
    public const int MaxQuoted = 24;

    /// <summary>The most cells an error message lists.</summary>
    public const int MaxListed = 8;

    /// <summary>
    /// A short snippet of a cell for an error message: a job may name a file it should not see, and its
    /// error travels to every client, so a message never carries more than a few characters of any cell.
    /// </summary>
    public static string Quote(ReadOnlySpan<char> cell) => cell.Length <= MaxQuoted ? $"'{cell}'" : $"'{cell[..(MaxQuoted - 3)]}...'";

    /// <summary>Some cells (header names, classes), each quoted short, the list cut after <see cref="MaxListed"/>.</summary>
    public static string QuoteList(IReadOnlyCollection<string> cells)
    {
        var shown = string.Join(", ", cells.Take(MaxListed).Select(c => Quote(c)));
        return cells.Count > MaxListed ? $"{shown}, ... ({cells.Count} in all)" : shown;
    }
}
