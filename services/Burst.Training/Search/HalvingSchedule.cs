namespace Burst.Training.Search;

/// <summary>
/// The shape of a successive-halving search. Rung 0 trains every candidate for
/// <paramref name="FirstFraction"/> of its n_estimators; each later rung keeps the best
/// 1/<paramref name="Eta"/> of the one before and trains them further, the budget growing
/// geometrically to the full n_estimators at the last rung. There are as many cuts as keep about
/// <paramref name="Finalists"/> or more candidates for the last rung (at least one cut when there
/// are two candidates or more).
/// </summary>
/// <remarks>
/// Why these numbers (η = 5, a tenth of the rounds first): a boosted model's accuracy after a few
/// rounds ranks configs poorly (fast learners look best early, the best final configs sit around
/// rank 15–30 of 100 at a tenth of their rounds), so a search that must end within 0.001 of the
/// full search's best needs a wide final rung. Keeping a fifth after a tenth of the rounds did that
/// on two independent sets of 100 census configs, at about 0.28 of the full search's boosting
/// rounds, because the survivors' boosters are continued rather than retrained (see
/// <see cref="CrossValidator.ContinueTrials"/>). More, smaller cuts (η = 2 or 3) either missed the
/// best configs or cost more.
/// </remarks>
internal sealed record HalvingSchedule(double Eta, double FirstFraction, int Finalists)
{
    public static HalvingSchedule Default { get; } = new(5, 0.1, 5);

    /// <summary>Round fraction and survivor count per rung, for <paramref name="candidates"/> configs.</summary>
    public (double[] Fractions, int[] Keep) Plan(int candidates)
    {
        var cuts = candidates < 2 ? 0 : Math.Max(1, (int)Math.Floor(Math.Log((double)candidates / Finalists) / Math.Log(Eta) + 1e-9));
        var fractions = new double[cuts + 1];
        var keep = new int[cuts + 1];
        for (var r = 0; r <= cuts; r++)
        {
            fractions[r] = r == cuts ? 1 : FirstFraction * Math.Pow(1 / FirstFraction, (double)r / cuts);
            keep[r] = Math.Max(1, (int)Math.Ceiling(candidates / Math.Pow(Eta, r) - 1e-9));
        }

        return (fractions, keep);
    }
}
