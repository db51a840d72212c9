using System.Globalization;
using Burst.Cli.Watching;
using Burst.V1;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Burst.Cli.Rendering;

/// <summary>The live view's workers table and its top trials, sized to the console.</summary>
internal static class FleetTables
{
    public const int TopCount = 5;

    /// <summary>A fleet of hundreds still fits a screen: the first workers are shown, then a count of the rest.</summary>
    public const int MaxWorkerRows = 8;

    /// <summary>What a column costs beyond its text: padding on both sides and the separator.</summary>
    private const int CellPadding = 3;

    public static IRenderable? Workers(FleetBoard board)
    {
        var workers = board.Workers;
        if (workers.Count == 0)
        {
            return null;
        }

        var table = Compact("workers")
            .AddColumn(new TableColumn("worker").NoWrap())
            .AddColumn(new TableColumn("state").NoWrap())
            .AddColumn(new TableColumn("done").RightAligned().NoWrap())
            .AddColumn(new TableColumn("running").RightAligned().NoWrap());
        foreach (var worker in workers.Take(MaxWorkerRows))
        {
            table.AddRow(
                Cell(worker.WorkerId),
                Cell(worker.Refitting ? "REFIT" : worker.State == WorkerState.Unspecified ? "-" : Text.Name(worker.State)),
                Cell(worker.TrialsDone.ToString(CultureInfo.InvariantCulture)),
                Cell(board.KnowsRunning ? worker.TrialsRunning.ToString(CultureInfo.InvariantCulture) : "-"));
        }

        if (workers.Count > MaxWorkerRows)
        {
            table.AddRow(Cell($"… {workers.Count - MaxWorkerRows} more"), Cell(""), Cell(""), Cell(""));
        }

        return table;
    }

    public static IRenderable? Top(FleetBoard board, Scoring scoring, int width)
    {
        var top = board.Top(TopCount);
        if (top.Count == 0)
        {
            return null;
        }

        // Params get what the other columns leave, cut to it: left to the table, a long params cell
        // would squeeze the narrow columns to ellipses and still wrap.
        var label = Text.ScoreLabel(scoring);
        int Widest(string header, IEnumerable<string> values) => values.Append(header).Max(v => v.Length);
        var fixedWidth = new[]
        {
            Widest("#", [TopCount.ToString(CultureInfo.InvariantCulture)]),
            Widest("trial", top.Select(t => t.TrialId.ToString(CultureInfo.InvariantCulture))),
            Widest("rung", top.Select(t => t.Rung.ToString(CultureInfo.InvariantCulture))),
            Widest(label, top.Select(t => Text.Number(t.MeanScore))),
            Widest("worker", top.Select(t => t.WorkerId)),
        }.Sum(w => w + CellPadding);
        var paramsWidth = Math.Max(8, width - 1 - fixedWidth - CellPadding - 2);

        var table = Compact($"top {TopCount}")
            .AddColumn(new TableColumn("#").RightAligned().NoWrap())
            .AddColumn(new TableColumn("trial").RightAligned().NoWrap())
            .AddColumn(new TableColumn("rung").RightAligned().NoWrap())
            .AddColumn(new TableColumn(label).RightAligned().NoWrap())
            .AddColumn(new TableColumn("worker").NoWrap())
            .AddColumn(new TableColumn("params").NoWrap().Width(paramsWidth));
        var rank = 0;
        foreach (var entry in top)
        {
            rank++;
            table.AddRow(
                Cell(rank.ToString(CultureInfo.InvariantCulture)),
                Cell(entry.TrialId.ToString(CultureInfo.InvariantCulture)),
                Cell(entry.Rung.ToString(CultureInfo.InvariantCulture)),
                Cell(Text.Number(entry.MeanScore)),
                Cell(string.IsNullOrEmpty(entry.WorkerId) ? "-" : entry.WorkerId),
                Cell(ConsoleLine.Fit(Text.Params(entry.Params), paramsWidth + 1)));
        }

        return table;
    }

    private static Table Compact(string title) => new Table()
        .Border(TableBorder.Simple)
        .Title(title, new Style(decoration: Decoration.Bold));

    // Cells are cut rather than wrapped, so that the live region keeps one row per table line.
    private static Spectre.Console.Text Cell(string text) => new(text) { Overflow = Overflow.Ellipsis };
}
