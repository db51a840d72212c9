namespace Burst.Training;

public enum FeatureKind
{
    Numeric,

    /// <summary>Codes are positions in <see cref="FeatureColumn.Categories"/>, fitted on the training file in ordinal order (as scikit-learn's LabelEncoder).</summary>
    Categorical,
}

/// <summary>One input column: its name, kind and, for a categorical one, its categories in code order.</summary>
public sealed record FeatureColumn(string Name, FeatureKind Kind, IReadOnlyList<string>? Categories = null);

/// <summary>The label column, the value that counts as positive (1), and every value seen in training.</summary>
public sealed record LabelEncoding(string Column, string PositiveLabel, IReadOnlyList<string> Classes);

/// <summary>
/// How raw rows became features, fitted on the training file and stored with the model, so that
/// test and evaluation files are encoded exactly as training was.
/// </summary>
public sealed record FeatureEncoding(DatasetFormat Format, IReadOnlyList<FeatureColumn> Features, LabelEncoding Label, char Separator)
{
    public IReadOnlyList<string> FeatureNames => Features.Select(f => f.Name).ToArray();
}
