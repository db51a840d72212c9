namespace Burst.Training;

/// <summary>A training file (and optional test file) encoded the same way, with the sha256 of each file as stored.</summary>
public sealed class LoadedDataset(TabularData train, TabularData? test, FeatureEncoding encoding, string trainSha256, string? testSha256)
{
    public TabularData Train { get; } = train;

    public TabularData? Test { get; } = test;

    public FeatureEncoding Encoding { get; } = encoding;

    public string TrainSha256 { get; } = trainSha256;

    public string? TestSha256 { get; } = testSha256;
}
