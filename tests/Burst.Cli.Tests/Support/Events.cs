using Burst.V1;
using Google.Protobuf.WellKnownTypes;

namespace Burst.Cli.Tests.Support;

/// <summary>Job events as a control plane would send them.</summary>
internal static class Events
{
    public static JobEvent State(long sequence, JobState state, string reason = "", JobError? error = null) =>
        At(sequence, new JobEvent { StateChanged = new StateChanged { State = state, Reason = reason, Error = error } });

    public static JobEvent Progress(long sequence, int done, int total, double best) =>
        At(sequence, new JobEvent
        {
            Progress = new Progress
            {
                TrialsDone = done,
                TrialsTotal = total,
                BestScore = best,
                Phase = "search",
                Eta = Duration.FromTimeSpan(TimeSpan.FromSeconds(total - done)),
            },
        });

    public static JobEvent Trial(long sequence, int trialId, double score) =>
        At(sequence, new JobEvent
        {
            Trial = new TrialResult
            {
                TrialId = trialId,
                MeanScore = score,
                FoldScores = { score - 0.001, score, score + 0.001 },
                Params = new ParamSet { Values = { ["max_depth"] = 3 + trialId, ["learning_rate"] = 0.1 } },
                WorkerId = "w1",
                Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(1.5)),
            },
        });

    public static JobEvent Worker(long sequence, WorkerState state) =>
        At(sequence, new JobEvent { Worker = new WorkerEvent { WorkerId = "w1", State = state, Instance = "pid 4242" } });

    public static JobEvent Result(long sequence, double accuracy, string modelUri) =>
        At(sequence, new JobEvent
        {
            Result = new JobResult
            {
                BestParams = new ParamSet { Values = { ["max_depth"] = 5, ["learning_rate"] = 0.1 } },
                CvBest = 0.8702,
                TestMetrics = new Metrics { Accuracy = accuracy, RocAuc = 0.9234, LogLoss = 0.2801, Count = 16281 },
                ModelUri = modelUri,
                Trials = 3,
                Fits = 10,
                SearchDuration = Duration.FromTimeSpan(TimeSpan.FromSeconds(12)),
            },
        });

    /// <summary>A whole successful job of <paramref name="trials"/> trials: sequences 1..(6 + 2 * trials).</summary>
    public static List<JobEvent> Succeeded(int trials = 3, double accuracy = 0.8712, string modelUri = "file:///tmp/models/job-1")
    {
        var events = new List<JobEvent>
        {
            State(1, JobState.Queued),
            State(2, JobState.Provisioning),
            Worker(3, WorkerState.Attached),
            State(4, JobState.Running),
        };
        var best = 0.0;
        for (var i = 0; i < trials; i++)
        {
            var score = 0.86 + (0.001 * i);
            best = Math.Max(best, score);
            events.Add(Trial(events.Count + 1, i, score));
            events.Add(Progress(events.Count + 1, i + 1, trials, best));
        }

        events.Add(Result(events.Count + 1, accuracy, modelUri));
        events.Add(State(events.Count + 1, JobState.Succeeded));
        return events;
    }

    /// <summary>A job that fails after it starts.</summary>
    public static List<JobEvent> Failed(string reason, string message) =>
    [
        State(1, JobState.Queued),
        State(2, JobState.Running),
        State(3, JobState.Failed, message, new JobError { Reason = reason, Message = message }),
    ];

    public static Job Job(string jobId, JobState state = JobState.Queued, string name = "") => new()
    {
        JobId = jobId,
        State = state,
        Spec = new JobSpec { DisplayName = name, Search = new Search { Scoring = Scoring.Accuracy } },
        CreateTime = Timestamp.FromDateTime(new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc)),
    };

    private static JobEvent At(long sequence, JobEvent jobEvent)
    {
        jobEvent.Sequence = sequence;
        jobEvent.Time = Timestamp.FromDateTime(new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddSeconds(sequence));
        return jobEvent;
    }
}
