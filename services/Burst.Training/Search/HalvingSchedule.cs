namespace Burst.Training.Search;

/// <summary>
/// The shape of a successive-halving search: each rung keeps the best 1/<paramref name="Eta"/> of the
/// previous one and trains them for <paramref name="Eta"/> times more rounds, up to
/// <paramref name="MaxRungs"/> rungs, never starting below <paramref name="MinRounds"/> rounds.
/// </summary>
internal sealed record HalvingSchedule(double Eta, int MaxRungs, int MinRounds)
{
    public static HalvingSchedule Default { get; } = new(3, 3, 8);

    /// <summary>Round fraction and survivor count per rung, for <paramref name="candidates"/> configs whose fewest n_estimators is <paramref name="smallestRounds"/>.</summary>
    public (double[] Fractions, int[] Keep) Plan(int candidates, int smallestRounds)
    {
        // Extra rungs need candidates to halve and rounds to cut: stop when either runs out.
        var rungs = 1;
        while (rungs < MaxRungs
               && Math.Ceiling(candidates / Math.Pow(Eta, rungs)) >= 2
               && smallestRounds / Math.Pow(Eta, rungs) >= MinRounds)
        {
            rungs++;
        }

        var fractions = new double[rungs];
        var keep = new int[rungs];
        for (var r = 0; r < rungs; r++)
        {
            fractions[r] = Math.Pow(Eta, r - (rungs - 1));
            keep[r] = (int)Math.Ceiling(candidates / Math.Pow(Eta, r));
        }

        return (fractions, keep);
    }
}
