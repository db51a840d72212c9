using Burst.Cli.Watching;
using Burst.V1;
using Spectre.Console;

namespace Burst.Cli.Rendering;

/// <summary>
/// A terminal view: a progress bar of trials done out of the total with the state, the best score and
/// the ETA, and above it a line per trial, worker change, log line and state change.
/// </summary>
internal sealed class LiveWatchView(IAnsiConsole console) : IWatchView
{
    public async Task FollowAsync(IAsyncEnumerable<JobEvent> events, JobWatchState state, CancellationToken cancellationToken)
    {
        var progress = console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
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
                if (jobEvent.KindCase != JobEvent.KindOneofCase.Progress)
                {
                    console.MarkupLine(Style(jobEvent, EventText.Line(jobEvent, state.Scoring)));
                }

                Update(task, state);
            }

            if (state.IsTerminal)
            {
                task.StopTask();
            }
        });
    }

    public void Notice(string message) => console.MarkupLine($"[yellow]{Markup.Escape(message)}[/]");

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

    private static string Style(JobEvent jobEvent, string line)
    {
        var escaped = Markup.Escape(line);
        return jobEvent.KindCase switch
        {
            JobEvent.KindOneofCase.StateChanged when jobEvent.StateChanged.State == JobState.Failed => $"[red]{escaped}[/]",
            JobEvent.KindOneofCase.StateChanged => $"[bold]{escaped}[/]",
            JobEvent.KindOneofCase.Log or JobEvent.KindOneofCase.Worker => $"[grey]{escaped}[/]",
            JobEvent.KindOneofCase.Result => $"[green]{escaped}[/]",
            _ => escaped,
        };
    }
}
