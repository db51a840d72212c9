namespace Burst.Training;

/// <summary>
/// A dense, row-major float matrix with 0/1 labels: what XGBoost trains on. NaN marks a missing
/// value. Immutable once built, so folds and trials share it without copying.
/// </summary>
public sealed class TabularData
{
    private readonly float[] _features;
    private readonly float[] _labels;

    public TabularData(float[] features, float[] labels, IReadOnlyList<string> featureNames, string source)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(featureNames);
        if (featureNames.Count == 0)
        {
            throw new ArgumentException("At least one feature is needed.", nameof(featureNames));
        }

        if (features.Length != (long)labels.Length * featureNames.Count)
        {
            throw new ArgumentException($"{features.Length} values do not make {labels.Length} rows of {featureNames.Count} features.", nameof(features));
        }

        _features = features;
        _labels = labels;
        FeatureNames = featureNames;
        Source = source;
    }

    public int Rows => _labels.Length;

    public int Columns => FeatureNames.Count;

    /// <summary>Row-major values, <see cref="Rows"/> × <see cref="Columns"/>.</summary>
    public ReadOnlyMemory<float> Features => _features;

    /// <summary>1 for the positive class, 0 otherwise.</summary>
    public ReadOnlyMemory<float> Labels => _labels;

    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Where the rows came from (a URI), for messages.</summary>
    public string Source { get; }

    public ReadOnlySpan<float> Row(int row) => _features.AsSpan(row * Columns, Columns);

    public long PositiveCount
    {
        get
        {
            long count = 0;
            foreach (var label in _labels)
            {
                if (label > 0.5f)
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>A copy holding only <paramref name="rows"/>, in that order.</summary>
    public TabularData Subset(ReadOnlySpan<int> rows)
    {
        var features = new float[(long)rows.Length * Columns];
        var labels = new float[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            Row(rows[i]).CopyTo(features.AsSpan(i * Columns, Columns));
            labels[i] = _labels[rows[i]];
        }

        return new TabularData(features, labels, FeatureNames, Source);
    }
}
