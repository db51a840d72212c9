namespace Burst.Cli.Specs;

/// <summary>
/// What <c>burst submit</c> was given: an optional <c>--spec</c> file and the flags that override it.
/// A null (or empty list) means the flag was not given and the spec file's value stands.
/// </summary>
public sealed record SubmitFlags
{
    public string? SpecFile { get; init; }
    public string? Name { get; init; }
    public IReadOnlyList<string> Labels { get; init; } = [];
    public string? TrainUri { get; init; }
    public string? TestUri { get; init; }
    public string? Format { get; init; }
    public string? LabelColumn { get; init; }
    public string? PositiveLabel { get; init; }
    public string? Strategy { get; init; }
    public int? Trials { get; init; }
    public int? Folds { get; init; }
    public long? Seed { get; init; }
    public string? Scoring { get; init; }
    public string? ConfigsFile { get; init; }
    public int? Workers { get; init; }
    public int? Threads { get; init; }
    public string? Provider { get; init; }
    public string? MachineType { get; init; }
    public IReadOnlyList<string> Zones { get; init; } = [];
    public string? ImageFamily { get; init; }
    public string? ContainerImage { get; init; }
    public bool? Spot { get; init; }
    public string? MaxRuntime { get; init; }
    public double? MaxCostUsd { get; init; }
    public int? MaxRestarts { get; init; }
    public string? ModelUri { get; init; }
}
