using Spectre.Console;

namespace Burst.Cli.Rendering;

/// <summary>
/// Lines printed above a live region must each fit on one row: a line the terminal wraps is taller
/// than the live display believes, and its redraw then lands inside the line (the bar overwrote
/// the tail of long trial lines). So a line wider than the console is cut, ending in an ellipsis.
/// </summary>
internal static class ConsoleLine
{
    private const string Ellipsis = "…";

    /// <summary><paramref name="line"/> cut to at most <paramref name="width"/> - 1 cells (the last column is left free, as some terminals wrap on it).</summary>
    public static string Fit(string line, int width)
    {
        ArgumentNullException.ThrowIfNull(line);
        var room = Math.Max(1, width - 1);
        var firstLine = line.AsSpan();
        var newline = firstLine.IndexOfAny('\r', '\n');
        var cut = newline >= 0;
        if (cut)
        {
            firstLine = firstLine[..newline];
        }

        var cells = 0;
        for (var i = 0; i < firstLine.Length; i++)
        {
            var cell = firstLine[i].GetCellWidth();
            if (cells + cell > room || (cells + cell == room && i < firstLine.Length - 1))
            {
                return string.Concat(firstLine[..i], Ellipsis);
            }

            cells += cell;
        }

        return cut ? string.Concat(firstLine, Ellipsis) : line;
    }
}
