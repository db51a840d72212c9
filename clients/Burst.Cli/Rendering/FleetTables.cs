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

    public static IRenderable? Top(FleetBoard board, Scoring scoring)
    {
        var top = board.Top(TopCount);
        if (top.Count == 0)
        {
            return null;
        }

        var table = Compact($"top {TopCount}")
            .AddColumn(new TableColumn("#").RightAligned().NoWrap())
            .AddColumn(new TableColumn("trial").RightAligned().NoWrap())
            .AddColumn(new TableColumn("rung").RightAligned().NoWrap())
            .AddColumn(new TableColumn(Text.ScoreLabel(scoring)).RightAligned().NoWrap())
            .AddColumn(new TableColumn("worker").NoWrap())
            .AddColumn(new TableColumn("params").NoWrap());
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
                Cell(Text.Params(entry.Params)));
        }

        return table;
    }

    private static Table Compact(string title) => new Table()
        .Border(TableBorder.Simple)
        .Title(title, new Style(decoration: Decoration.Bold));

    // Cells are cut rather than wrapped, so that the live region keeps one row per table line.
    private static Spectre.Console.Text Cell(string text) => new(text) { Overflow = Overflow.Ellipsis };
}
