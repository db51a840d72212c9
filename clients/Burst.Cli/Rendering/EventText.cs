using System.Globalization;
using Burst.V1;

namespace Burst.Cli.Rendering;

/// <summary>One line of text per job event, shared by the plain and the live view.</summary>
internal static class EventText
{
    public static string Line(JobEvent jobEvent, Scoring scoring) =>
        $"[{jobEvent.Sequence}] {Text.Clock(jobEvent.Time)} {Describe(jobEvent, scoring)}";

    public static string Describe(JobEvent jobEvent, Scoring scoring) => jobEvent.KindCase switch
    {
        JobEvent.KindOneofCase.StateChanged => StateChanged(jobEvent.StateChanged),
        JobEvent.KindOneofCase.Progress => Progress(jobEvent.Progress, scoring),
        JobEvent.KindOneofCase.Trial => Trial(jobEvent.Trial, scoring),
        JobEvent.KindOneofCase.Worker => Worker(jobEvent.Worker),
        JobEvent.KindOneofCase.Log => Log(jobEvent.Log),
        JobEvent.KindOneofCase.Result => Result(jobEvent.Result),
        JobEvent.KindOneofCase.Cost => Cost(jobEvent.Cost),
        _ => "(an event this CLI does not know)",
    };

    private static string StateChanged(StateChanged change)
    {
        var line = $"state {Text.Name(change.State)}";
        if (change.Error is not null)
        {
            return $"{line}: {Text.Error(change.Error)}";
        }

        return string.IsNullOrEmpty(change.Reason) ? line : $"{line}: {change.Reason}";
    }

    public static string Progress(Progress progress, Scoring scoring)
    {
        var parts = new List<string> { $"progress {Text.ProgressOf(progress)}" };
        if (!string.IsNullOrEmpty(progress.Phase))
        {
            parts.Add(progress.Phase);
        }

        if (progress.TrialsDone > 0)
        {
            parts.Add($"best {Text.ScoreLabel(scoring)} {Text.Number(progress.BestScore)}");
        }

        if (progress.Eta is not null)
        {
            parts.Add($"ETA {Text.Span(progress.Eta)}");
        }

        return string.Join(", ", parts);
    }

    private static string Trial(TrialResult trial, Scoring scoring)
    {
        var rung = trial.Rung > 0 ? $" rung {trial.Rung}" : "";
        var folds = trial.FoldScores.Count > 0
            ? $" (folds {string.Join(' ', trial.FoldScores.Select(Text.Number))})"
            : "";
        var took = trial.Duration is null ? "" : $" in {Text.Span(trial.Duration)}";
        var worker = string.IsNullOrEmpty(trial.WorkerId) ? "" : $" on {trial.WorkerId}";
        return $"trial {trial.TrialId}{rung}: {Text.ScoreLabel(scoring)} {Text.Number(trial.MeanScore)}{folds}{took}{worker}; {Text.Params(trial.Params)}";
    }

    private static string Worker(WorkerEvent worker)
    {
        var instance = string.IsNullOrEmpty(worker.Instance) ? "" : $" ({worker.Instance})";
        var reason = string.IsNullOrEmpty(worker.Reason) ? "" : $": {worker.Reason}";
        return $"worker {worker.WorkerId} {Text.Name(worker.State)}{instance}{reason}";
    }

    private static string Log(LogLine log)
    {
        var source = string.IsNullOrEmpty(log.WorkerId) ? "control plane" : log.WorkerId;
        var level = string.IsNullOrEmpty(log.Level) ? "" : $" {log.Level}";
        return $"log {source}{level}: {log.Message}";
    }

    private static string Result(JobResult result)
    {
        var metrics = result.TestMetrics;
        var scores = metrics is null
            ? "no test metrics"
            : $"test accuracy {Text.Number(metrics.Accuracy)}, ROC AUC {Text.Number(metrics.RocAuc)}";
        return $"result: {scores}; model {Text.Location(result.ModelUri)}";
    }

    private static string Cost(Cost cost) =>
        string.Create(CultureInfo.InvariantCulture, $"cost ${cost.EstimatedUsd:0.0000} ({cost.VmSeconds:0} VM-seconds)");
}
