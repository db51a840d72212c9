using Burst.V1;

namespace Burst.Cli.Rendering;

/// <summary>
/// The end of a watch: the result of a succeeded job, ending with the line <c>Test accuracy: 0.8712</c>
/// so that scripts can read the last line, or the reason a job failed or was cancelled.
/// </summary>
internal static class JobSummary
{
    public static void Write(Job job, TextWriter output)
    {
        switch (job.State)
        {
            case JobState.Succeeded:
                WriteSucceeded(job, output);
                break;
            case JobState.Failed:
            case JobState.Cancelled:
                output.WriteLine($"Job {job.JobId} {Text.Name(job.State)}: {Text.Error(job.Error)}");
                break;
            default:
                output.WriteLine($"Job {job.JobId} is {Text.Name(job.State)}");
                break;
        }
    }

    private static void WriteSucceeded(Job job, TextWriter output)
    {
        var result = job.Result;
        if (result is null)
        {
            output.WriteLine($"Job {job.JobId} SUCCEEDED without a result");
            return;
        }

        var scoring = job.Spec?.Search?.Scoring ?? Scoring.Unspecified;
        output.WriteLine($"Job {job.JobId} SUCCEEDED: {result.Trials} trials, {result.Fits} fits, search {Text.Span(result.SearchDuration)}");
        output.WriteLine($"Best params: {Text.Params(result.BestParams)}");
        output.WriteLine($"CV best {Text.ScoreLabel(scoring)}: {Text.Number(result.CvBest)}");
        output.WriteLine($"Model: {Text.Location(result.ModelUri)}");
        if (result.TestMetrics is { } metrics)
        {
            output.WriteLine($"Test ROC AUC: {Text.Number(metrics.RocAuc)}");
            output.WriteLine($"Test log loss: {Text.Number(metrics.LogLoss)}");
            output.WriteLine($"Test accuracy: {Text.Number(metrics.Accuracy)}");
        }
    }
}
