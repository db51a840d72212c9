namespace Burst.ControlPlane.Jobs;

/// <summary>The limits a submitted spec is held to (README, "Who may call").</summary>
internal sealed record SpecLimits(int MaxWorkers, DataRoots Roots)
{
    public const int MaxTrials = 10_000;
    public const int MaxFolds = 20;
    public const int MaxNameLength = 256;
    public const int MaxLabels = 64;
    public const int MaxLabelValueLength = 256;
    public const int MaxUriLength = 2048;
    public const int MaxSpaceParameters = 64;

    public static SpecLimits For(ControlPlaneOptions options) => new(options.MaxWorkers, DataRoots.For(options));
}

/// <summary>One <see cref="SpecLimits"/> per options instance: the roots are resolved once, not per call.</summary>
internal static class SpecLimitsCache
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ControlPlaneOptions, SpecLimits> Cache = new();

    public static SpecLimits Of(ControlPlaneOptions options) => Cache.GetValue(options, SpecLimits.For);
}
