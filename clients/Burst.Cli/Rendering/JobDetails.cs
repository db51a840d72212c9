using System.Globalization;
using Burst.V1;

namespace Burst.Cli.Rendering;

/// <summary>A job as "name: value" lines for <c>burst get</c>.</summary>
internal static class JobDetails
{
    public static void Write(Job job, TextWriter output)
    {
        var scoring = job.Spec?.Search?.Scoring ?? Scoring.Unspecified;
        Line(output, "Job", job.JobId);
        Line(output, "Name", string.IsNullOrEmpty(job.Spec?.DisplayName) ? "-" : job.Spec.DisplayName);
        Line(output, "State", Text.Name(job.State));
        Line(output, "Created", Text.Time(job.CreateTime));
        Line(output, "Started", Text.Time(job.StartTime));
        Line(output, "Ended", Text.Time(job.EndTime));
        Line(output, "Provider", string.IsNullOrEmpty(job.Spec?.Resources?.Provider) ? "-" : job.Spec.Resources.Provider);
        Line(output, "Trials", Text.ProgressOf(job.Progress));
        Line(output, $"Best {Text.ScoreLabel(scoring)}", Text.Best(job.Progress));
        if (job.Progress?.Eta is not null && job.State == JobState.Running)
        {
            Line(output, "ETA", Text.Span(job.Progress.Eta));
        }

        if (job.Restarts > 0)
        {
            Line(output, "Restarts", job.Restarts.ToString(CultureInfo.InvariantCulture));
        }

        if (job.Cost is not null)
        {
            Line(output, "Cost", string.Create(CultureInfo.InvariantCulture, $"${job.Cost.EstimatedUsd:0.0000}"));
        }

        if (job.Error is not null)
        {
            Line(output, "Error", Text.Error(job.Error));
        }

        if (job.Result is { } result)
        {
            Line(output, "Best params", Text.Params(result.BestParams));
            Line(output, $"CV best {Text.ScoreLabel(scoring)}", Text.Number(result.CvBest));
            if (result.TestMetrics is { } metrics)
            {
                Line(output, "Test accuracy", Text.Number(metrics.Accuracy));
                Line(output, "Test ROC AUC", Text.Number(metrics.RocAuc));
            }

            Line(output, "Model", Text.Location(result.ModelUri));
        }

        Line(output, "Last event", job.LastSequence.ToString(CultureInfo.InvariantCulture));
    }

    private static void Line(TextWriter output, string name, string value) => output.WriteLine($"{name + ":",-18} {value}");
}
