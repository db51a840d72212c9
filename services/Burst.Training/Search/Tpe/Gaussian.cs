namespace Burst.Training.Search.Tpe;

/// <summary>
/// The standard normal's distribution function, accurate to about 1e-15 relative: a Taylor series
/// of erf near zero and a continued fraction of erfc in the tails, so that narrow bins and
/// truncation masses far from the mean keep their digits.
/// </summary>
internal static class Gaussian
{
    private static readonly double Sqrt2 = Math.Sqrt(2);
    private static readonly double LogSqrt2Pi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>P(Z &lt;= z).</summary>
    public static double Cdf(double z) => 0.5 * Erfc(-z / Sqrt2);

    /// <summary>P(Z &gt; z), without the cancellation of 1 - Cdf(z) for large z.</summary>
    public static double UpperTail(double z) => 0.5 * Erfc(z / Sqrt2);

    /// <summary>P(a &lt; Z &lt;= b) for a &lt;= b, taken from the tail on the interval's side so that it keeps its digits.</summary>
    public static double Mass(double a, double b)
    {
        if (b <= a)
        {
            return 0;
        }

        return a > 0 ? UpperTail(a) - UpperTail(b) : Cdf(b) - Cdf(a);
    }

    public static double LogPdf(double z) => -0.5 * z * z - LogSqrt2Pi;

    /// <summary>A standard normal draw (Box-Muller, one of the pair).</summary>
    public static double Sample(Random rng)
    {
        // 1 - U is in (0, 1], so the logarithm is finite.
        var u = 1 - rng.NextDouble();
        var v = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    internal static double Erfc(double x)
    {
        if (x < 0)
        {
            return 2 - Erfc(-x);
        }

        return x < 2 ? 1 - ErfSeries(x) : ErfcContinuedFraction(x);
    }

    /// <summary>erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)); for |x| &lt; 2 the terms shrink fast enough.</summary>
    private static double ErfSeries(double x)
    {
        var x2 = x * x;
        var term = x;
        var sum = x;
        for (var n = 1; n < 100; n++)
        {
            term *= -x2 / n;
            var add = term / (2 * n + 1);
            sum += add;
            if (Math.Abs(add) < 1e-17 * Math.Abs(sum))
            {
                break;
            }
        }

        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    /// <summary>erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), by the modified Lentz method (x &gt;= 2).</summary>
    private static double ErfcContinuedFraction(double x)
    {
        const double tiny = 1e-300;
        var f = x;
        var c = x;
        var d = 0.0;
        for (var n = 1; n < 500; n++)
        {
            var a = n * 0.5;
            d = x + a * d;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = x + a / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / f;
    }
}
