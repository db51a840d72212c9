namespace Burst.Training.Search.Tpe;

/// <summary>
/// How many observations are "good", and how much each observation weighs in its mixture, as
/// Optuna's TPESampler does by default.
/// </summary>
internal static class ParzenWeights
{
    /// <summary>Observations past this many weigh less the older they are.</summary>
    private const int FlatCount = 25;

    /// <summary>The size of the good group among <paramref name="n"/> observations: ceil(n / 10), at most 25.</summary>
    public static int Gamma(int n) => Math.Min((int)Math.Ceiling(0.1 * n), 25);

    /// <summary>
    /// Weights of <paramref name="n"/> observations, oldest first: all 1 up to 25; beyond that the
    /// newest 25 weigh 1 and the older ones ramp linearly from 1/n up to 1, so the mixture follows
    /// the search as it moves.
    /// </summary>
    public static double[] Of(int n)
    {
        var weights = new double[n];
        if (n < FlatCount)
        {
            Array.Fill(weights, 1.0);
            return weights;
        }

        var ramp = n - FlatCount;
        for (var i = 0; i < ramp; i++)
        {
            weights[i] = ramp == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * i / (ramp - 1);
        }

        for (var i = ramp; i < n; i++)
        {
            weights[i] = 1.0;
        }

        return weights;
    }

    /// <summary>The observations' weights and the prior's, normalised to sum to one; the prior's comes last.</summary>
    public static double[] WithPrior(int n, double priorWeight)
    {
        var weights = new double[n + 1];
        Of(n).CopyTo(weights, 0);
        weights[n] = priorWeight;
        var sum = weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] /= sum;
        }

        return weights;
    }

    /// <summary>An index drawn with probability proportional to <paramref name="weights"/>.</summary>
    public static int Pick(Random rng, ReadOnlySpan<double> weights)
    {
        var total = 0.0;
        foreach (var w in weights)
        {
            total += w;
        }

        var u = rng.NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            u -= weights[i];
            if (u < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    /// <summary>log(sum(exp(values))), without overflow.</summary>
    public static double LogSumExp(ReadOnlySpan<double> values)
    {
        var max = double.NegativeInfinity;
        foreach (var v in values)
        {
            max = Math.Max(max, v);
        }

        if (double.IsNegativeInfinity(max))
        {
            return max;
        }

        var sum = 0.0;
        foreach (var v in values)
        {
            sum += Math.Exp(v - max);
        }

        return max + Math.Log(sum);
    }
}
