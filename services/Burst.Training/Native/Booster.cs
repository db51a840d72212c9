namespace Burst.Training.Native;

/// <summary>An XGBoost learner: set parameters, boost rounds, predict, save and load.</summary>
internal sealed unsafe class Booster : IDisposable
{
    /// <summary>Plain probabilities for binary:logistic, over every tree.</summary>
    private const string PredictConfig = """{"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false}""";

    /// <summary>The name XGBoost prints before an evaluated metric: "[i]\tvalid-error:0.13".</summary>
    private static ReadOnlySpan<byte> EvalName => "valid\0"u8;

    private Booster(BoosterHandle handle) => Handle = handle;

    internal BoosterHandle Handle { get; }

    /// <summary>A learner that trains on <paramref name="train"/> (null for one that is about to load a model).</summary>
    public static Booster Create(DMatrix? train, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var booster = Create(train);
        try
        {
            foreach (var (name, value) in parameters)
            {
                booster.SetParam(name, value);
            }
        }
        catch
        {
            booster.Dispose();
            throw;
        }

        return booster;
    }

    private static Booster Create(DMatrix? train)
    {
        BoosterHandle handle;
        if (train is null)
        {
            NativeMethods.Check(NativeMethods.XGBoosterCreate(null, 0, out handle), nameof(NativeMethods.XGBoosterCreate));
            return new Booster(handle);
        }

        // The raw pointer is only lent for the call; the ref count keeps the DMatrix alive meanwhile.
        var added = false;
        try
        {
            train.Handle.DangerousAddRef(ref added);
            var raw = train.Handle.DangerousGetHandle();
            NativeMethods.Check(NativeMethods.XGBoosterCreate(&raw, 1, out handle), nameof(NativeMethods.XGBoosterCreate));
            return new Booster(handle);
        }
        finally
        {
            if (added)
            {
                train.Handle.DangerousRelease();
            }
        }
    }

    public void SetParam(string name, string value) =>
        NativeMethods.Check(NativeMethods.XGBoosterSetParam(Handle, name, value), $"{nameof(NativeMethods.XGBoosterSetParam)}({name}={value})");

    /// <summary>Boosts one more round on <paramref name="train"/>; <paramref name="iteration"/> counts from 0.</summary>
    public void UpdateOneIter(int iteration, DMatrix train) =>
        NativeMethods.Check(NativeMethods.XGBoosterUpdateOneIter(Handle, iteration, train.Handle), nameof(NativeMethods.XGBoosterUpdateOneIter));

    /// <summary>Boosts until <paramref name="rounds"/> rounds exist, checking for cancellation between rounds.</summary>
    public void Train(DMatrix train, int rounds, CancellationToken ct)
    {
        for (var i = BoostedRounds; i < rounds; i++)
        {
            ct.ThrowIfCancellationRequested();
            UpdateOneIter(i, train);
        }
    }

    /// <summary>
    /// Evaluates the model so far on <paramref name="data"/> (which carries labels) with the booster's
    /// eval_metric, and returns the value XGBoost prints for it. XGBoost keeps the data's predictions
    /// cached in the booster and adds only the newest tree, so this costs one tree per round.
    /// </summary>
    public double EvalOneIter(int iteration, DMatrix data)
    {
        var added = false;
        try
        {
            data.Handle.DangerousAddRef(ref added);
            var raw = data.Handle.DangerousGetHandle();
            byte* text;
            fixed (byte* name = EvalName)
            {
                var names = name;
                NativeMethods.Check(NativeMethods.XGBoosterEvalOneIter(Handle, iteration, &raw, &names, 1, out text), nameof(NativeMethods.XGBoosterEvalOneIter));
            }

            var line = System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)text) ?? "";
            var colon = line.LastIndexOf(':');
            if (colon < 0 || !double.TryParse(line.AsSpan(colon + 1).Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                throw new XGBoostException(nameof(NativeMethods.XGBoosterEvalOneIter), $"unexpected evaluation text '{line}'");
            }

            return value;
        }
        finally
        {
            if (added)
            {
                data.Handle.DangerousRelease();
            }
        }
    }

    public int BoostedRounds
    {
        get
        {
            NativeMethods.Check(NativeMethods.XGBoosterBoostedRounds(Handle, out var rounds), nameof(NativeMethods.XGBoosterBoostedRounds));
            return rounds;
        }
    }

    public long FeatureCount
    {
        get
        {
            NativeMethods.Check(NativeMethods.XGBoosterGetNumFeature(Handle, out var features), nameof(NativeMethods.XGBoosterGetNumFeature));
            return (long)features;
        }
    }

    /// <summary>Positive-class probabilities for every row of <paramref name="data"/>.</summary>
    public float[] Predict(DMatrix data)
    {
        var result = new float[data.Rows];
        PredictInto(data, result);
        return result;
    }

    /// <summary>
    /// Writes one probability per row into <paramref name="destination"/>; XGBoost's buffer is only
    /// valid until the next call, so it is copied at once. <paramref name="rounds"/> &gt; 0 predicts
    /// with the first that many rounds only (0: all).
    /// </summary>
    public void PredictInto(DMatrix data, Span<float> destination, int rounds = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rounds);
        var config = rounds == 0
            ? PredictConfig
            : $$"""{"type": 0, "training": false, "iteration_begin": 0, "iteration_end": {{rounds}}, "strict_shape": false}""";
        NativeMethods.Check(
            NativeMethods.XGBoosterPredictFromDMatrix(Handle, data.Handle, config, out _, out _, out var result),
            nameof(NativeMethods.XGBoosterPredictFromDMatrix));
        if (destination.Length != data.Rows)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values for {data.Rows} rows.", nameof(destination));
        }

        new ReadOnlySpan<float>(result, destination.Length).CopyTo(destination);
    }

    /// <summary>Saves the model; a path ending in .json gives XGBoost's JSON format, which every xgboost binding loads.</summary>
    public void Save(string path) => NativeMethods.Check(NativeMethods.XGBoosterSaveModel(Handle, path), $"{nameof(NativeMethods.XGBoosterSaveModel)}({path})");

    /// <summary>The model in XGBoost's JSON format, as bytes.</summary>
    public byte[] SaveJson()
    {
        NativeMethods.Check(
            NativeMethods.XGBoosterSaveModelToBuffer(Handle, """{"format": "json"}""", out var length, out var buffer),
            nameof(NativeMethods.XGBoosterSaveModelToBuffer));
        return new ReadOnlySpan<byte>(buffer, checked((int)length)).ToArray();
    }

    /// <summary>The model in XGBoost's binary JSON (UBJSON) format: compact and exact, for keeping a model between runs.</summary>
    public byte[] SaveBinary()
    {
        NativeMethods.Check(
            NativeMethods.XGBoosterSaveModelToBuffer(Handle, """{"format": "ubj"}""", out var length, out var buffer),
            nameof(NativeMethods.XGBoosterSaveModelToBuffer));
        return new ReadOnlySpan<byte>(buffer, checked((int)length)).ToArray();
    }

    /// <summary>
    /// A learner that continues <paramref name="model"/> on <paramref name="train"/>: the model is
    /// loaded first and the parameters set after it, as xgboost's Python package does for xgb_model.
    /// </summary>
    public static Booster Continue(DMatrix train, ReadOnlySpan<byte> model, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var booster = Create(train);
        try
        {
            fixed (byte* buffer = model)
            {
                NativeMethods.Check(NativeMethods.XGBoosterLoadModelFromBuffer(booster.Handle, buffer, (ulong)model.Length), nameof(NativeMethods.XGBoosterLoadModelFromBuffer));
            }

            foreach (var (name, value) in parameters)
            {
                booster.SetParam(name, value);
            }

            return booster;
        }
        catch
        {
            booster.Dispose();
            throw;
        }
    }

    public static Booster Load(string path)
    {
        var booster = Create(null);
        try
        {
            NativeMethods.Check(NativeMethods.XGBoosterLoadModel(booster.Handle, path), $"{nameof(NativeMethods.XGBoosterLoadModel)}({path})");
            return booster;
        }
        catch
        {
            booster.Dispose();
            throw;
        }
    }

    /// <summary>Loads a model from bytes in either of XGBoost's formats (JSON or UBJSON/binary).</summary>
    public static Booster Load(ReadOnlySpan<byte> model)
    {
        var booster = Create(null);
        try
        {
            fixed (byte* buffer = model)
            {
                NativeMethods.Check(NativeMethods.XGBoosterLoadModelFromBuffer(booster.Handle, buffer, (ulong)model.Length), nameof(NativeMethods.XGBoosterLoadModelFromBuffer));
            }

            return booster;
        }
        catch
        {
            booster.Dispose();
            throw;
        }
    }

    public void Dispose() => Handle.Dispose();
}
