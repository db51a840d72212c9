namespace Burst.Training;

/// <summary>
/// How a batch of trials shares the cores: <paramref name="Concurrency"/> trials at a time, each
/// boosting with <paramref name="ThreadsPerTrial"/> XGBoost threads. Independent single-thread fits
/// scale almost perfectly, while one fit's threads synchronise every tree level; so the cores go to
/// concurrent trials first and to threads inside a trial only when trials run out.
/// </summary>
public sealed record Parallelism(int Concurrency, int ThreadsPerTrial)
{
    public int Concurrency { get; init; } = Concurrency >= 1 ? Concurrency : throw new ArgumentOutOfRangeException(nameof(Concurrency), Concurrency, "Concurrency must be at least 1.");

    public int ThreadsPerTrial { get; init; } = ThreadsPerTrial >= 1 ? ThreadsPerTrial : throw new ArgumentOutOfRangeException(nameof(ThreadsPerTrial), ThreadsPerTrial, "ThreadsPerTrial must be at least 1.");

    /// <summary>
    /// Concurrency × threads ≈ <paramref name="cores"/>. <paramref name="requestedThreads"/> &gt; 0 fixes
    /// the threads per trial; otherwise every pending trial gets a core of its own and spare cores
    /// are shared out as threads.
    /// </summary>
    public static Parallelism For(int cores, int pendingTrials, int requestedThreads = 0)
    {
        cores = Math.Max(1, cores);
        pendingTrials = Math.Max(1, pendingTrials);
        if (requestedThreads > 0)
        {
            return new(Math.Clamp(cores / requestedThreads, 1, pendingTrials), requestedThreads);
        }

        var concurrency = Math.Min(cores, pendingTrials);
        return new(concurrency, Math.Max(1, cores / concurrency));
    }
}
