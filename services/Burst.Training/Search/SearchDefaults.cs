namespace Burst.Training.Search;

/// <summary>
/// What a search does when its spec leaves a value out. The control plane writes these into a
/// stored spec, the agent falls back to them, and <c>burst-agent train</c> shows them in its help.
/// </summary>
public static class SearchDefaults
{
    public const SearchStrategyKind Strategy = SearchStrategyKind.Random;

    /// <summary>Configs a job samples when it gives no count.</summary>
    public const int Trials = 20;

    public const int Folds = 3;

    public const ScoringKind Scoring = ScoringKind.Accuracy;

    /// <summary>The folds a spec asks for, or the default when it gives none (0).</summary>
    public static int FoldsOr(int folds) => folds > 0 ? folds : Folds;
}
