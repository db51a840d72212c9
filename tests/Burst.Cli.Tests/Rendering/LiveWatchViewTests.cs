using System.Text.RegularExpressions;
using Burst.Cli.Rendering;
using Burst.Cli.Watching;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;
using Progress = Burst.V1.Progress;

namespace Burst.Cli.Tests.Rendering;

public sealed partial class LiveWatchViewTests
{
    [Theory]
    [InlineData(140)]
    [InlineData(80)]
    public async Task No_line_of_the_live_view_is_wider_than_the_console(int width)
    {
        var screen = await FollowAsync(width, FleetEvents(longParams: true));

        Assert.NotEmpty(screen);
        Assert.All(screen, line => Assert.True(line.GetCellWidth() <= width, $"{line.GetCellWidth()} cells > {width}: {line}"));
    }

    [Theory]
    [InlineData(140)]
    [InlineData(80)]
    public async Task Long_params_keep_the_top_table_at_one_line_per_trial_with_rank_and_score_readable(int width)
    {
        var last = LastRegion(await FollowAsync(width, FleetEvents(longParams: true)));

        var rows = last.Select(l => TopRow().Match(l)).Where(m => m.Success).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        Assert.Equal([("1", "2"), ("2", "0"), ("3", "1")], rows);
        Assert.Equal(3, last.Count(l => l.Contains('…', StringComparison.Ordinal) && TopRow().IsMatch(l)));
    }

    [Fact]
    public async Task A_trial_line_wider_than_the_console_is_cut_with_an_ellipsis_not_wrapped()
    {
        var screen = await FollowAsync(140, FleetEvents(longParams: true));

        var trialLines = screen.Where(l => l.Contains("trial 2: accuracy 0.8800", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(trialLines);
        Assert.All(trialLines, l => Assert.EndsWith("…", l.TrimEnd(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_workers_table_has_a_row_per_worker_with_trials_done_derived_from_trial_events()
    {
        var screen = await FollowAsync(140, FleetEvents(longParams: false));
        var last = LastRegion(screen);

        Assert.Contains(last, l => WorkerRow("w1", "ATTACHED", 2).IsMatch(l));
        Assert.Contains(last, l => WorkerRow("w2", "LOST", 1).IsMatch(l));
    }

    [Fact]
    public async Task The_top_trials_come_best_first()
    {
        var screen = await FollowAsync(140, FleetEvents(longParams: false));
        var last = LastRegion(screen);

        var ranks = last.Select(l => TopRow().Match(l)).Where(m => m.Success).Select(m => (Rank: m.Groups[1].Value, Trial: m.Groups[2].Value)).ToList();
        Assert.Equal([("1", "2"), ("2", "0"), ("3", "1")], ranks);
    }

    [Fact]
    public async Task Workers_and_leaderboard_from_the_control_plane_replace_the_derived_ones()
    {
        var events = FleetEvents(longParams: false);
        var progress = new Progress { TrialsDone = 3, TrialsTotal = 4, BestScore = 0.9 };
        progress.Workers.Add(new WorkerStatus { WorkerId = "w1", State = WorkerState.Attached, TrialsDone = 7, TrialsRunning = 2 });
        progress.Leaderboard.Add(new LeaderboardEntry { TrialId = 9, MeanScore = 0.9, WorkerId = "w1", Params = new ParamSet { Values = { ["max_depth"] = 4 } } });
        events.Add(new JobEvent { Sequence = 99, Time = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch), Progress = progress });

        var last = LastRegion(await FollowAsync(140, events));

        Assert.Contains(last, l => Regex.IsMatch(l, @"^\s*w1\s+ATTACHED\s+7\s+2\s*$"));
        Assert.DoesNotContain(last, l => l.TrimStart().StartsWith("w2", StringComparison.Ordinal));
        Assert.Single(last, l => TopRow().IsMatch(l));
        Assert.Contains(last, l => TopRow().Match(l) is { Success: true } m && m.Groups[2].Value == "9");
    }

    private static Regex WorkerRow(string id, string state, int done) => new($@"^\s*{id}\s+{state}\s+{done}\s+-\s*$");

    [GeneratedRegex(@"^\s*(\d)\s+(\d+)\s+\d+\s+0\.\d{4}\s+w\d\s+\w+=")]
    private static partial Regex TopRow();

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")]
    private static partial Regex AnsiSequence();

    /// <summary>The lines of the last drawing of the live region: from the last line that holds the bar's percentage.</summary>
    private static List<string> LastRegion(List<string> screen)
    {
        var start = screen.FindLastIndex(l => l.Contains('%', StringComparison.Ordinal) && l.Contains("trials", StringComparison.Ordinal));
        Assert.True(start >= 0, "no progress bar drawn");
        return screen[start..];
    }

    private static async Task<List<string>> FollowAsync(int width, List<JobEvent> events)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.Standard,
            Interactive = InteractionSupport.Yes,
        });
        console.Profile.Width = width;
        console.Profile.Height = 60;
        var state = new JobWatchState(new Job { JobId = "j1", State = JobState.Running, Spec = new JobSpec { Search = new Search { Scoring = Scoring.Accuracy } } });

        await new LiveWatchView(console).FollowAsync(events.ToAsyncEnumerable(), state, CancellationToken.None);

        // What a terminal shows: escape sequences gone, each carriage return starting the row again.
        return AnsiSequence().Replace(output.ToString(), "")
            .Split('\n')
            .Select(l => l.Split('\r')[^1])
            .ToList();
    }

    private static List<JobEvent> FleetEvents(bool longParams)
    {
        var sequence = 0;
        JobEvent At(JobEvent e)
        {
            e.Sequence = ++sequence;
            e.Time = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch.AddSeconds(sequence));
            return e;
        }

        JobEvent Trial(int id, double score, string worker)
        {
            var trial = new TrialResult { TrialId = id, MeanScore = score, WorkerId = worker, Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(2)), FoldScores = { score, score, score } };
            trial.Params = new ParamSet { Values = { ["max_depth"] = 4 + id, ["learning_rate"] = 0.05 } };
            if (longParams)
            {
                foreach (var name in new[] { "gamma", "reg_lambda", "reg_alpha", "min_child_weight", "subsample", "colsample_bytree", "colsample_bylevel", "scale_pos_weight" })
                {
                    trial.Params.Values[name] = 0.0008205123 + id;
                }
            }

            return At(new JobEvent { Trial = trial });
        }

        return
        [
            At(new JobEvent { Worker = new WorkerEvent { WorkerId = "w1", State = WorkerState.Attached, Instance = "pid 1" } }),
            At(new JobEvent { Worker = new WorkerEvent { WorkerId = "w2", State = WorkerState.Attached, Instance = "pid 2" } }),
            At(new JobEvent { Progress = new Progress { TrialsTotal = 4 } }),
            Trial(0, 0.86, "w1"),
            At(new JobEvent { Progress = new Progress { TrialsDone = 1, TrialsTotal = 4, BestScore = 0.86 } }),
            Trial(1, 0.85, "w2"),
            At(new JobEvent { Worker = new WorkerEvent { WorkerId = "w2", State = WorkerState.Lost, Reason = "no heartbeat for 10 s" } }),
            Trial(2, 0.88, "w1"),
            // A report seen twice counts once.
            Trial(2, 0.88, "w1"),
            At(new JobEvent { Progress = new Progress { TrialsDone = 3, TrialsTotal = 4, BestScore = 0.88 } }),
        ];
    }
}
