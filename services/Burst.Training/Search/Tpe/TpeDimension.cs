namespace Burst.Training.Search.Tpe;

/// <summary>
/// One hyperparameter as the estimator sees it: a bounded internal coordinate in which the Parzen
/// kernels live, and the way back to the value.
/// <list type="bullet">
/// <item>Uniform: the value itself, on [low, high].</item>
/// <item>LogUniform: its logarithm, on [ln low, ln high], so that kernels are as wide in every decade.</item>
/// <item>IntRange: the value on [low - 1/2, high + 1/2]; each integer owns the bin of width 1 around it,
/// and densities are compared as the bins' masses.</item>
/// <item>Exponential and Poisson are unbounded. They are modelled in their own probability-integral
/// coordinate u = F(x) on [0, 1] (F the distribution's CDF): the prior kernel then spreads like the
/// distribution the user wrote, the whole support stays reachable, and no quantile has to be cut
/// off. Poisson is discrete: each k owns the bin (F(k - 1), F(k)], and is sampled as the smallest k
/// with F(k) &gt;= u.</item>
/// <item>Choice: handled as a categorical (<see cref="CategoricalParzen"/>), not here.</item>
/// </list>
/// </summary>
internal abstract class TpeDimension
{
    public abstract double Low { get; }

    public abstract double High { get; }

    /// <summary>The internal coordinate of a value (clamped into [Low, High]); NaN when the value cannot come from this distribution.</summary>
    public abstract double ToInternal(double value);

    /// <summary>The value at an internal coordinate (a whole number for discrete kinds).</summary>
    public abstract double FromInternal(double t);

    /// <summary>The bin an internal coordinate falls in, for discrete kinds; null for continuous ones.</summary>
    public virtual (double From, double To)? Bin(double t) => null;

    public static TpeDimension? For(ParamDistribution distribution) => distribution switch
    {
        Uniform u when u.High > u.Low => new Linear(u.Low, u.High),
        LogUniform l when l.High > l.Low => new Logarithmic(l.Low, l.High),
        IntRange r when r.High > r.Low => new Integer(r.Low, r.High),
        Exponential e => new ExponentialCdf(e.Scale),
        Poisson p => new PoissonCdf(p.Mean),
        _ => null,
    };

    private sealed class Linear(double low, double high) : TpeDimension
    {
        public override double Low => low;

        public override double High => high;

        public override double ToInternal(double value) => Math.Clamp(value, low, high);

        public override double FromInternal(double t) => Math.Clamp(t, low, high);
    }

    private sealed class Logarithmic(double low, double high) : TpeDimension
    {
        public override double Low { get; } = Math.Log(low);

        public override double High { get; } = Math.Log(high);

        public override double ToInternal(double value) => value > 0 ? Math.Clamp(Math.Log(value), Low, High) : Low;

        public override double FromInternal(double t) => Math.Clamp(Math.Exp(t), low, high);
    }

    private sealed class Integer(long low, long high) : TpeDimension
    {
        public override double Low => low - 0.5;

        public override double High => high + 0.5;

        public override double ToInternal(double value) => Math.Clamp(Math.Round(value, MidpointRounding.AwayFromZero), low, high);

        public override double FromInternal(double t) => Math.Clamp(Math.Round(t, MidpointRounding.AwayFromZero), low, high);

        public override (double From, double To)? Bin(double t)
        {
            var k = FromInternal(t);
            return (k - 0.5, k + 0.5);
        }
    }

    private sealed class ExponentialCdf(double scale) : TpeDimension
    {
        /// <summary>u this close to 1 would map to infinity.</summary>
        private const double TopU = 1 - 1e-12;

        public override double Low => 0;

        public override double High => 1;

        public override double ToInternal(double value) => value <= 0 ? 0 : Math.Min(-double.ExpM1(-value / scale), TopU);

        public override double FromInternal(double t) => -scale * double.LogP1(-Math.Clamp(t, 0, TopU));
    }

    private sealed class PoissonCdf : TpeDimension
    {
        private readonly double[] _cdf;

        public PoissonCdf(double mean)
        {
            // Beyond mean + 12 sd (and a margin for small means) the remaining mass is below 1e-30.
            var last = (int)Math.Ceiling(mean + 12 * Math.Sqrt(mean) + 30);
            _cdf = new double[last + 1];
            var logPmf = -mean;
            var logMean = Math.Log(mean);
            var total = 0.0;
            for (var k = 0; k <= last; k++)
            {
                if (k > 0)
                {
                    logPmf += logMean - Math.Log(k);
                }

                total += Math.Exp(logPmf);
                _cdf[k] = Math.Min(total, 1);
            }

            _cdf[last] = 1;
        }

        public override double Low => 0;

        public override double High => 1;

        public override double ToInternal(double value)
        {
            var k = (int)Math.Clamp(Math.Round(value, MidpointRounding.AwayFromZero), 0, _cdf.Length - 1);
            var (from, to) = BinOf(k);
            return 0.5 * (from + to);
        }

        public override double FromInternal(double t)
        {
            // The smallest k with F(k) >= t (a lower bound: the table repeats 0 and 1 at its ends).
            t = Math.Clamp(t, 0, 1);
            int lo = 0, hi = _cdf.Length - 1;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (_cdf[mid] >= t)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            return lo;
        }

        public override (double From, double To)? Bin(double t) => BinOf((int)FromInternal(t));

        private (double From, double To) BinOf(int k) => (k == 0 ? 0 : _cdf[k - 1], _cdf[k]);
    }
}
