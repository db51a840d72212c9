using Burst.ControlPlane.Store;
using Burst.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Burst.ControlPlane.Jobs;

/// <summary>
/// What a job may continue (search.continue_from): a finished job, SUCCEEDED or else FAILED or
/// CANCELLED with at least one committed trial (those trials are results like any other; a job still
/// running would change its history under the new one), that ran a random or TPE search over the same
/// dataset, folds, scoring and space. Anything else is FAILED_PRECONDITION naming the field.
/// </summary>
internal static class ContinueFromRules
{
    public const string ViolationType = "CONTINUE_FROM";

    /// <summary>The first mismatch between the filled spec and the job it continues, as (field, description); null when it may continue.</summary>
    public static async Task<(string Field, string Description)?> CheckAsync(IJobStore store, JobSpec filled, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(filled);
        var sourceId = filled.Search.ContinueFrom;
        if (sourceId.Length == 0)
        {
            return null;
        }

        if (await store.GetJobAsync(sourceId, cancellationToken) is not { } source)
        {
            return ("spec.search.continue_from", $"job {sourceId} does not exist.");
        }

        switch (source.State)
        {
            case JobState.Succeeded:
                break;
            case JobState.Failed or JobState.Cancelled:
                if ((await store.GetTrialResultsAsync(sourceId, cancellationToken)).Count == 0)
                {
                    return ("spec.search.continue_from", $"job {sourceId} ended {source.State} without a committed trial: there is nothing to continue.");
                }

                break;
            default:
                return ("spec.search.continue_from", $"job {sourceId} is {source.State}: only a finished job can be continued.");
        }

        var was = source.Spec.Search;
        var now = filled.Search;
        if (was.Strategy is not (SearchStrategy.Random or SearchStrategy.Tpe))
        {
            return ("spec.search.continue_from", $"job {sourceId} ran a {was.Strategy} search; only random and TPE searches can be continued.");
        }

        var a = source.Spec.Dataset;
        var b = filled.Dataset;
        return (a.TrainUri != b.TrainUri) ? Mismatch("spec.dataset.train_uri", a.TrainUri, b.TrainUri)
            : (a.TestUri != b.TestUri) ? Mismatch("spec.dataset.test_uri", a.TestUri, b.TestUri)
            : (a.Format != b.Format) ? Mismatch("spec.dataset.format", a.Format.ToString(), b.Format.ToString())
            : (a.LabelColumn != b.LabelColumn) ? Mismatch("spec.dataset.label_column", a.LabelColumn, b.LabelColumn)
            : (a.PositiveLabel != b.PositiveLabel) ? Mismatch("spec.dataset.positive_label", a.PositiveLabel, b.PositiveLabel)
            : (was.Folds != now.Folds) ? Mismatch("spec.search.folds", was.Folds.ToString(System.Globalization.CultureInfo.InvariantCulture), now.Folds.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : (was.Scoring != now.Scoring) ? Mismatch("spec.search.scoring", was.Scoring.ToString(), now.Scoring.ToString())
            : !SameSpace(was, now) ? ("spec.search.space", $"must be the space of job {sourceId}: its trials were drawn from that one.")
            : null;

        (string, string) Mismatch(string field, string theirs, string ours) =>
            (field, $"must be the same as in job {sourceId} (continue_from): it has '{theirs}', this spec '{ours}'.");
    }

    /// <summary>FAILED_PRECONDITION with a google.rpc.PreconditionFailure naming the field; the message names it too.</summary>
    public static RpcException Refusal(string field, string description)
    {
        var failure = new PreconditionFailure();
        failure.Violations.Add(new PreconditionFailure.Types.Violation { Type = ViolationType, Subject = field, Description = description });
        return new Google.Rpc.Status
        {
            Code = (int)Code.FailedPrecondition,
            Message = $"{field}: {description}",
            Details = { Any.Pack(failure) },
        }.ToRpcException();
    }

    private static bool SameSpace(Search a, Search b) =>
        a.Space.Count == b.Space.Count && a.Space.All(p => b.Space.TryGetValue(p.Key, out var other) && p.Value.Equals(other));
}
