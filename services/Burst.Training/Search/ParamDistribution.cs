namespace Burst.Training.Search;

/// <summary>
/// A distribution one hyperparameter is drawn from. Each kind checks its own arguments when it is
/// built, so a bad space fails where it is written rather than halfway through a search.
/// </summary>
public abstract record ParamDistribution
{
    /// <summary>Draws one value; the same <paramref name="rng"/> state gives the same value.</summary>
    public abstract double Sample(Random rng);

    /// <summary>The smallest value this distribution can produce.</summary>
    public abstract double Min { get; }

    /// <summary>The largest value this distribution can produce (positive infinity when unbounded).</summary>
    public abstract double Max { get; }

    internal static double Finite(string kind, string argument, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"{kind}: {argument} must be a finite number, got {value}.", argument);
        }

        return value;
    }

    internal static double NotBelow(string kind, string lowName, double low, string highName, double high)
    {
        Finite(kind, highName, high);
        if (high < low)
        {
            throw new ArgumentException($"{kind}: {lowName} ({low}) must not exceed {highName} ({high}).", highName);
        }

        return high;
    }
}

/// <summary>One of a fixed list of values, each equally likely.</summary>
public sealed record Choice(IReadOnlyList<double> Values) : ParamDistribution
{
    public IReadOnlyList<double> Values { get; init; } = CheckValues(Values);

    public override double Min => Values.Min();

    public override double Max => Values.Max();

    public override double Sample(Random rng) => Values[rng.Next(Values.Count)];

    // Records compare reference-typed members by reference; two choices over the same list are the same space.
    public bool Equals(Choice? other) => other is not null && Values.SequenceEqual(other.Values);

    public override int GetHashCode() => Values.Aggregate(17, (hash, v) => HashCode.Combine(hash, v));

    private static IReadOnlyList<double> CheckValues(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values, nameof(Values));
        if (values.Count == 0)
        {
            throw new ArgumentException("Choice: Values must hold at least one value.", nameof(Values));
        }

        foreach (var v in values)
        {
            Finite(nameof(Choice), nameof(Values), v);
        }

        return values.ToArray();
    }
}

/// <summary>Uniform on [Low, High].</summary>
public sealed record Uniform(double Low, double High) : ParamDistribution
{
    public double Low { get; init; } = Finite(nameof(Uniform), nameof(Low), Low);

    public double High { get; init; } = NotBelow(nameof(Uniform), nameof(Low), Low, nameof(High), High);

    public override double Min => Low;

    public override double Max => High;

    public override double Sample(Random rng) => Low + rng.NextDouble() * (High - Low);
}

/// <summary>Log-uniform on [Low, High] (both positive): every decade is equally likely, for rates and penalties.</summary>
public sealed record LogUniform(double Low, double High) : ParamDistribution
{
    public double Low { get; init; } = Positive(Low);

    public double High { get; init; } = NotBelow(nameof(LogUniform), nameof(Low), Low, nameof(High), High);

    public override double Min => Low;

    public override double Max => High;

    public override double Sample(Random rng) => Math.Exp(Math.Log(Low) + rng.NextDouble() * (Math.Log(High) - Math.Log(Low)));

    private static double Positive(double low)
    {
        Finite(nameof(LogUniform), nameof(Low), low);
        if (low <= 0)
        {
            throw new ArgumentException($"LogUniform: Low must be positive, got {low}.", nameof(Low));
        }

        return low;
    }
}

/// <summary>A whole number in [Low, High], both ends included, each equally likely.</summary>
public sealed record IntRange(long Low, long High) : ParamDistribution
{
    public long High { get; init; } = High >= Low
        ? High
        : throw new ArgumentException($"IntRange: Low ({Low}) must not exceed High ({High}).", nameof(High));

    public override double Min => Low;

    public override double Max => High;

    public override double Sample(Random rng) => rng.NextInt64(Low, High + 1);
}

/// <summary>Poisson with the given mean: the seed's n_estimators ~ Poisson(100).</summary>
public sealed record Poisson(double Mean) : ParamDistribution
{
    /// <summary>Knuth's product method needs e^-mean to stay a normal double; larger means are drawn as sums of smaller Poissons.</summary>
    private const double ChunkMean = 500;

    public double Mean { get; init; } = Mean > 0 && double.IsFinite(Mean)
        ? Mean
        : throw new ArgumentException($"Poisson: Mean must be a positive finite number, got {Mean}.", nameof(Mean));

    public override double Min => 0;

    public override double Max => double.PositiveInfinity;

    public override double Sample(Random rng)
    {
        long total = 0;
        var remaining = Mean;
        while (remaining > 0)
        {
            var chunk = Math.Min(remaining, ChunkMean);
            total += Knuth(rng, chunk);
            remaining -= chunk;
        }

        return total;
    }

    private static long Knuth(Random rng, double mean)
    {
        var limit = Math.Exp(-mean);
        long k = 0;
        var product = rng.NextDouble();
        while (product > limit)
        {
            k++;
            product *= rng.NextDouble();
        }

        return k;
    }
}

/// <summary>Exponential with the given scale (mean): the seed's gamma and reg_lambda ~ Exponential(0.001).</summary>
public sealed record Exponential(double Scale) : ParamDistribution
{
    public double Scale { get; init; } = Scale > 0 && double.IsFinite(Scale)
        ? Scale
        : throw new ArgumentException($"Exponential: Scale must be a positive finite number, got {Scale}.", nameof(Scale));

    public override double Min => 0;

    public override double Max => double.PositiveInfinity;

    // 1 - U lies in (0, 1], so the logarithm is always finite.
    public override double Sample(Random rng) => -Scale * Math.Log(1 - rng.NextDouble());
}
