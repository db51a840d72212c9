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

    /// <summary>Shortens a cell for an error message.</summary>
    public static string Quote(ReadOnlySpan<char> cell) => cell.Length <= 40 ? $"'{cell}'" : $"'{cell[..37]}...'";
}
