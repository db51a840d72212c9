using System.Collections.Immutable;
using Burst.ControlPlane.Lifecycle;
using Burst.ControlPlane.Store;
using Burst.V1;

namespace Burst.ControlPlane.Runtime;

/// <summary>
/// The searches a job continues (search.continue_from), followed back to the first: their committed
/// trials, oldest job first and each in commit order, are the job's history. Each job stores only the
/// trials it computed, so C continuing B continuing A reads A's and then B's.
/// </summary>
internal sealed record SearchLineage(ImmutableList<InheritedTrial> History, ImmutableList<string> Ancestors)
{
    /// <summary>Longer chains are refused: each link is a store read at scheduling and recovery.</summary>
    public const int MaxDepth = 100;

    public static SearchLineage None { get; } = new([], []);

    /// <summary>The lineage of <paramref name="job"/>; throws ArgumentException when a job of the chain is missing, or the chain loops or is too long.</summary>
    public static async Task<SearchLineage> LoadAsync(IJobStore store, Job job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(job);
        var ancestors = new List<string>();
        var segments = new List<IEnumerable<InheritedTrial>>();
        var next = job.Spec?.Search?.ContinueFrom ?? "";
        while (next.Length > 0)
        {
            if (next == job.JobId || ancestors.Contains(next, StringComparer.Ordinal))
            {
                throw new ArgumentException($"search.continue_from chain of job {job.JobId} loops at job {next}.", nameof(job));
            }

            if (ancestors.Count == MaxDepth)
            {
                throw new ArgumentException($"search.continue_from chain of job {job.JobId} is longer than {MaxDepth} jobs.", nameof(job));
            }

            var source = await store.GetJobAsync(next, cancellationToken)
                ?? throw new ArgumentException($"search.continue_from names job {next}, which does not exist.", nameof(job));
            var results = await store.GetTrialResultsAsync(source.JobId, cancellationToken);
            var id = source.JobId;
            segments.Add(results.Select(r => new InheritedTrial(id, r)).ToArray());
            ancestors.Add(id);
            next = source.Spec?.Search?.ContinueFrom ?? "";
        }

        segments.Reverse();
        return new SearchLineage([.. segments.SelectMany(s => s)], [.. ancestors]);
    }
}
