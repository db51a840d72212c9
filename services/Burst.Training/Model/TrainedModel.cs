using Burst.Training.Native;

namespace Burst.Training;

/// <summary>A trained XGBoost classifier: predict, evaluate, and save in XGBoost's JSON format.</summary>
public sealed class TrainedModel : IDisposable
{
    private readonly Booster _booster;
    private readonly int _threads;

    internal TrainedModel(Booster booster, int threads)
    {
        _booster = booster;
        _threads = Math.Max(1, threads);
    }

    /// <summary>Boosting rounds (trees, for a binary model) in the model.</summary>
    public int Rounds => _booster.BoostedRounds;

    /// <summary>Positive-class probability of every row.</summary>
    public float[] Predict(TabularData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var features = _booster.FeatureCount;
        if (features != data.Columns)
        {
            throw new ArgumentException($"The model expects {features} features; {data.Source} has {data.Columns}.", nameof(data));
        }

        return OpenMp.OnOwnThread(() =>
        {
            using var matrix = DMatrix.FromDense(data.Features.Span, data.Rows, data.Columns, threads: _threads);
            return _booster.Predict(matrix);
        });
    }

    public Metrics Evaluate(TabularData data)
    {
        var probabilities = Predict(data);
        return Metrics.Compute(data.Labels.Span, probabilities);
    }

    /// <summary>Writes XGBoost's JSON model format to <paramref name="path"/> (whatever its extension), as xgboost in Python, R or the JVM loads it.</summary>
    public void SaveJson(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllBytes(path, ToJson());
    }

    /// <summary>The model in XGBoost's JSON format.</summary>
    public byte[] ToJson() => _booster.SaveJson();

    public static TrainedModel LoadJson(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FromJson(File.ReadAllBytes(path));
    }

    /// <summary>Loads an XGBoost model (JSON, or the binary formats XGBoost also reads).</summary>
    public static TrainedModel FromJson(ReadOnlySpan<byte> model, int threads = 0)
    {
        threads = threads > 0 ? threads : Environment.ProcessorCount;
        var booster = Booster.Load(model);
        try
        {
            booster.SetParam("nthread", threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return new TrainedModel(booster, threads);
        }
        catch
        {
            booster.Dispose();
            throw;
        }
    }

    public void Dispose() => _booster.Dispose();
}
