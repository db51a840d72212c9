using System.Threading.Channels;
using Burst.Training.Search;

namespace Burst.Training.Tests.CrossValidation;

public sealed class StreamingCrossValidationTests
{
    private static readonly IReadOnlyList<IReadOnlyDictionary<string, double>> Configs =
    [
        new Dictionary<string, double> { ["max_depth"] = 4, ["learning_rate"] = 0.12, ["n_estimators"] = 12 },
        new Dictionary<string, double> { ["max_depth"] = 3, ["learning_rate"] = 0.07, ["n_estimators"] = 10 },
        new Dictionary<string, double> { ["max_depth"] = 5, ["learning_rate"] = 0.15, ["n_estimators"] = 8 },
    ];

    [Fact]
    public async Task Trials_that_arrive_while_others_run_score_exactly_as_one_batch_and_the_run_ends_when_the_writer_completes()
    {
        var data = await Census.LoadAsync();
        using var validator = CrossValidator.Create(data.Train, 3, 0, ScoringKind.Accuracy);
        var trials = Configs.Select((c, i) => new TrialSpec(i, 0, 10, c)).ToArray();
        var batch = new Dictionary<int, IReadOnlyList<double>>();
        await validator.RunAsync(trials, new Parallelism(2, 1), o => { batch[o.Trial.TrialId] = o.FoldScores; return ValueTask.CompletedTask; }, CancellationToken.None);

        // The next trial is written only once the one before has reported: hand-outs on demand.
        var stream = Channel.CreateUnbounded<TrialSpec>();
        var streamed = new Dictionary<int, IReadOnlyList<double>>();
        stream.Writer.TryWrite(trials[0]);
        await validator.RunStreamAsync(stream.Reader, new Parallelism(2, 1), o =>
        {
            streamed[o.Trial.TrialId] = o.FoldScores;
            if (o.Trial.TrialId + 1 < trials.Length)
            {
                stream.Writer.TryWrite(trials[o.Trial.TrialId + 1]);
            }
            else
            {
                stream.Writer.TryComplete();
            }

            return ValueTask.CompletedTask;
        }, CancellationToken.None);

        Assert.Equal(batch.Keys.Order(), streamed.Keys.Order());
        foreach (var (id, scores) in batch)
        {
            Assert.Equal(scores, streamed[id]);
        }
    }

    [Fact]
    public async Task A_bad_trial_in_the_stream_fails_the_run_with_its_error()
    {
        var data = await Census.LoadAsync();
        using var validator = CrossValidator.Create(data.Train, 3, 0, ScoringKind.Accuracy);
        var stream = Channel.CreateUnbounded<TrialSpec>();
        stream.Writer.TryWrite(new TrialSpec(0, 0, 0, Configs[0]));

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => validator.RunStreamAsync(stream.Reader, new Parallelism(2, 1), _ => ValueTask.CompletedTask, CancellationToken.None));

        Assert.Contains("Rounds of trial 0", error.Message, StringComparison.Ordinal);
    }
}
