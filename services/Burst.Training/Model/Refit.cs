using Burst.Training.Native;
using Burst.Training.Search;

namespace Burst.Training;

/// <summary>Trains the chosen config once more, on every training row, for the final model.</summary>
public static class Refit
{
    public static TrainedModel Run(TabularData train, TrialSpec best, int threads, CancellationToken ct, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(best);
        threads = threads > 0 ? threads : Environment.ProcessorCount;
        return OpenMp.OnOwnThread(() =>
        {
            using var matrix = DMatrix.FromDense(train.Features.Span, train.Rows, train.Columns, train.Labels.Span, threads);
            var booster = Booster.Create(matrix, BoosterParameters.For(best.Params, threads, seed));
            try
            {
                booster.Train(matrix, best.Rounds, ct);
                return new TrainedModel(booster, threads);
            }
            catch
            {
                booster.Dispose();
                throw;
            }
        });
    }
}
