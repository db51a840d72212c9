using System.Globalization;
using Burst.Cli.Specs;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;

namespace Burst.Cli.Rendering;

/// <summary>How the CLI writes numbers, scores, params, states and times for people.</summary>
internal static class Text
{
    public static string Name(JobState state) => state == JobState.Unspecified ? "-" : EnumNames.ShortName(state).ToUpperInvariant();

    public static string Name(WorkerState state) => EnumNames.ShortName(state).ToUpperInvariant();

    public static string ScoreLabel(Scoring scoring) => scoring switch
    {
        Scoring.RocAuc => "ROC AUC",
        Scoring.LogLoss => "log loss",
        _ => "accuracy",
    };

    public static string Number(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    public static string Params(ParamSet? parameters) =>
        parameters is null || parameters.Values.Count == 0
            ? "-"
            : string.Join(' ', parameters.Values
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => $"{p.Key}={p.Value.ToString("G4", CultureInfo.InvariantCulture)}"));

    public static string Span(Duration? duration) => duration is null ? "-" : DurationText.Format(duration.ToTimeSpan());

    public static string Time(Timestamp? time) =>
        time is null ? "-" : time.ToDateTimeOffset().ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Clock(Timestamp? time) =>
        time is null ? "--:--:--" : time.ToDateTimeOffset().ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    public static string ProgressOf(Progress? progress) =>
        progress is null || progress.TrialsTotal == 0 ? "-" : $"{progress.TrialsDone}/{progress.TrialsTotal}";

    public static string Best(Progress? progress) =>
        progress is null || progress.TrialsDone == 0 ? "-" : Number(progress.BestScore);

    /// <summary>A local path for file URIs, so that the model folder can be opened as printed.</summary>
    public static string Location(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsFile ? parsed.LocalPath : uri;

    public static string Error(JobError? error) =>
        error is null ? "no reason given"
        : string.IsNullOrEmpty(error.Message) ? error.Reason
        : string.IsNullOrEmpty(error.Reason) ? error.Message
        : $"{error.Reason}: {error.Message}";
}
