namespace Burst.Training.Search.Tpe;

/// <summary>
/// A mixture of normals truncated to [Low, High]: one kernel on each observation and one wide
/// prior kernel on the middle of the range (Bergstra et al. 2011, with Optuna's defaults).
/// </summary>
internal sealed class NumericParzen
{
    /// <summary>Numbers below this are taken as zero probability.</summary>
    private const double Epsilon = 1e-12;

    private const int MaxRejections = 1000;

    private readonly double[] _mus;
    private readonly double[] _sigmas;
    private readonly double[] _logWeights;
    private readonly double[] _weights;
    private readonly double[] _logNormalisers;

    /// <summary>
    /// Kernels on <paramref name="observations"/> (oldest first; each inside [low, high]) plus the
    /// prior. Each kernel's width is the larger gap to its neighbours in sorted order (the range's
    /// ends are not neighbours, Optuna's consider_endpoints=False), clipped to at least
    /// range / min(100, kernels + 1) ("magic clip", so that close points do not make needles) and
    /// at most the range; the prior is centred with the whole range as its width.
    /// </summary>
    public NumericParzen(IReadOnlyList<double> observations, double low, double high, double priorWeight = 1.0)
    {
        Low = low;
        High = high;
        var n = observations.Count;
        _weights = ParzenWeights.WithPrior(n, priorWeight);
        _logWeights = _weights.Select(w => Math.Log(w)).ToArray();
        _mus = new double[n + 1];
        for (var i = 0; i < n; i++)
        {
            _mus[i] = Math.Clamp(observations[i], low, high);
        }

        _mus[n] = 0.5 * (low + high);
        var range = high - low;
        _sigmas = Bandwidths(_mus, range);
        var minSigma = range / Math.Min(100.0, 1.0 + _mus.Length);
        for (var i = 0; i < n; i++)
        {
            _sigmas[i] = Math.Clamp(_sigmas[i], minSigma, range);
        }

        _sigmas[n] = range;
        _logNormalisers = new double[n + 1];
        for (var i = 0; i <= n; i++)
        {
            _logNormalisers[i] = Math.Log(Math.Max(Gaussian.Mass((low - _mus[i]) / _sigmas[i], (high - _mus[i]) / _sigmas[i]), Epsilon));
        }
    }

    public double Low { get; }

    public double High { get; }

    /// <summary>A draw from the mixture: a kernel by weight, then a point of its truncated normal.</summary>
    public double Sample(Random rng)
    {
        var k = ParzenWeights.Pick(rng, _weights);
        // A kernel's centre lies inside the range and its width is at most the range, so at least a
        // third of its mass is inside: rejection needs a few tries at most.
        for (var attempt = 0; attempt < MaxRejections; attempt++)
        {
            var x = _mus[k] + _sigmas[k] * Gaussian.Sample(rng);
            if (x >= Low && x <= High)
            {
                return x;
            }
        }

        return Math.Clamp(_mus[k], Low, High);
    }

    /// <summary>The log density at <paramref name="x"/>.</summary>
    public double LogDensity(double x)
    {
        Span<double> terms = _mus.Length <= 256 ? stackalloc double[_mus.Length] : new double[_mus.Length];
        for (var k = 0; k < _mus.Length; k++)
        {
            var z = (x - _mus[k]) / _sigmas[k];
            terms[k] = _logWeights[k] + Gaussian.LogPdf(z) - Math.Log(_sigmas[k]) - _logNormalisers[k];
        }

        return ParzenWeights.LogSumExp(terms);
    }

    /// <summary>The log of the mixture's mass on (<paramref name="from"/>, <paramref name="to"/>], for discrete values that own a bin.</summary>
    public double LogMass(double from, double to)
    {
        from = Math.Max(from, Low);
        to = Math.Min(to, High);
        var total = 0.0;
        for (var k = 0; k < _mus.Length; k++)
        {
            var mass = Gaussian.Mass((from - _mus[k]) / _sigmas[k], (to - _mus[k]) / _sigmas[k]);
            total += _weights[k] * mass / Math.Exp(_logNormalisers[k]);
        }

        return Math.Log(Math.Max(total, Epsilon));
    }

    private static double[] Bandwidths(double[] mus, double range)
    {
        var m = mus.Length;
        var sigmas = new double[m];
        if (m == 1)
        {
            sigmas[0] = range;
            return sigmas;
        }

        var order = Enumerable.Range(0, m).OrderBy(i => mus[i]).ThenBy(i => i).ToArray();
        for (var r = 0; r < m; r++)
        {
            var left = r > 0 ? mus[order[r]] - mus[order[r - 1]] : double.NegativeInfinity;
            var right = r < m - 1 ? mus[order[r + 1]] - mus[order[r]] : double.NegativeInfinity;
            sigmas[order[r]] = Math.Max(left, right);
        }

        return sigmas;
    }
}
