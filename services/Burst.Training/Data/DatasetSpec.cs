namespace Burst.Training;

/// <summary>
/// Where a dataset lives and how to read it. <paramref name="LabelColumn"/> and
/// <paramref name="PositiveLabel"/> matter for CSV only (census has its own): the label column
/// defaults to the last one, and the positive label to "1" (or "true"/"yes"), else the greater of
/// exactly two label values in ordinal order.
/// </summary>
public sealed record DatasetSpec(string TrainUri, string? TestUri, DatasetFormat Format, string? LabelColumn = null, string? PositiveLabel = null)
{
    /// <summary>adult.data and adult.test in <paramref name="directory"/> (a path or folder URI).</summary>
    public static DatasetSpec Census(string directory) => new(
        Storage.ObjectStoreRegistry.Combine(directory, "adult.data"),
        Storage.ObjectStoreRegistry.Combine(directory, "adult.test"),
        DatasetFormat.Census);
}
