using Burst.Cli.Watching;
using Burst.V1;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Burst.Cli.Rendering;

/// <summary>
/// A terminal view: a live region with a progress bar of trials done out of the total (the state,
/// the best score and the ETA), the workers table and the top trials; above it a line per trial,
/// worker change, log line and state change, each cut to the console's width so that none wraps
/// into the region.
/// </summary>
internal sealed class LiveWatchView(IAnsiConsole console) : IWatchView
{
    public async Task FollowAsync(IAsyncEnumerable<JobEvent> events, JobWatchState state, CancellationToken cancellationToken)
    {
        var board = new FleetBoard(state.Scoring);
        var progress = console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .UseRenderHook((bar, _) => Region(bar, board, state.Scoring, console.Profile.Width))
            .Columns(
                new SpinnerColumn(),
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn(),
                new PercentageColumn());

        await progress.StartAsync(async context =>
        {
            var task = context.AddTask(Describe(state), autoStart: true, maxValue: 1);
            Update(task, state);
            await foreach (var jobEvent in events.WithCancellation(cancellationToken))
            {
                state.Apply(jobEvent);
                board.Apply(jobEvent);
                if (jobEvent.KindCase != JobEvent.KindOneofCase.Progress)
                {
                    console.Write(new Spectre.Console.Text(ConsoleLine.Fit(EventText.Line(jobEvent, state.Scoring), console.Profile.Width) + Environment.NewLine, Style(jobEvent)));
                }

                Update(task, state);
                context.Refresh();
            }

            if (state.IsTerminal)
            {
                task.StopTask();
            }
        });
    }

    public void Notice(string message) =>
        console.Write(new Spectre.Console.Text(ConsoleLine.Fit(message, console.Profile.Width) + Environment.NewLine, new Style(Color.Yellow)));

    private static IRenderable Region(IRenderable bar, FleetBoard board, Scoring scoring, int width)
    {
        var parts = new List<IRenderable> { bar };
        if (FleetTables.Workers(board) is { } workers)
        {
            parts.Add(workers);
        }

        if (FleetTables.Top(board, scoring, width) is { } top)
        {
            parts.Add(top);
        }

        return new Rows(parts);
    }

    private static void Update(ProgressTask task, JobWatchState state)
    {
        var progress = state.Progress;
        task.MaxValue = Math.Max(1, progress.TrialsTotal);
        task.Value = Math.Min(progress.TrialsDone, task.MaxValue);
        task.Description = Describe(state);
    }

    private static string Describe(JobWatchState state)
    {
        var progress = state.Progress;
        var parts = new List<string> { $"[bold]{Markup.Escape(Text.Name(state.State))}[/]", $"trials {Text.ProgressOf(progress)}" };
        if (progress.TrialsDone > 0)
        {
            parts.Add($"best {Text.ScoreLabel(state.Scoring)} [green]{Text.Number(progress.BestScore)}[/]");
        }

        if (progress.Eta is not null && !state.IsTerminal)
        {
            parts.Add($"ETA {Text.Span(progress.Eta)}");
        }

        return string.Join("  ", parts);
    }

    private static Style Style(JobEvent jobEvent) => jobEvent.KindCase switch
    {
        JobEvent.KindOneofCase.StateChanged when jobEvent.StateChanged.State == JobState.Failed => new Style(Color.Red),
        JobEvent.KindOneofCase.StateChanged => new Style(decoration: Decoration.Bold),
        JobEvent.KindOneofCase.Log or JobEvent.KindOneofCase.Worker => new Style(Color.Grey),
        JobEvent.KindOneofCase.Result => new Style(Color.Green),
        _ => Spectre.Console.Style.Plain,
    };
}
