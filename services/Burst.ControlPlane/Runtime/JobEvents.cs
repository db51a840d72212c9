using Burst.V1;
using Google.Protobuf.WellKnownTypes;

namespace Burst.ControlPlane.Runtime;

/// <summary>Builds JobEvents; the store fills in job_id and sequence when it commits them.</summary>
internal static class JobEvents
{
    public static JobEvent StateChanged(DateTimeOffset now, JobState previous, JobState state, string reason, JobError? error = null) => new()
    {
        Time = Timestamp.FromDateTimeOffset(now),
        StateChanged = new StateChanged { Previous = previous, State = state, Reason = reason, Error = error },
    };

    public static JobEvent Worker(DateTimeOffset now, string workerId, WorkerState state, string instance, string reason) => new()
    {
        Time = Timestamp.FromDateTimeOffset(now),
        Worker = new WorkerEvent { WorkerId = workerId, State = state, Instance = instance, Reason = reason },
    };

    public static JobEvent Trial(DateTimeOffset now, TrialResult trial) => new() { Time = Timestamp.FromDateTimeOffset(now), Trial = trial };

    public static JobEvent Progress(DateTimeOffset now, Progress progress) => new() { Time = Timestamp.FromDateTimeOffset(now), Progress = progress };

    public static JobEvent Log(DateTimeOffset now, LogLine line) => new() { Time = Timestamp.FromDateTimeOffset(now), Log = line };

    public static JobEvent Result(DateTimeOffset now, JobResult result) => new() { Time = Timestamp.FromDateTimeOffset(now), Result = result };

    public static JobEvent Cost(DateTimeOffset now, Cost cost) => new() { Time = Timestamp.FromDateTimeOffset(now), Cost = cost };
}
