namespace Burst.Bench;

/// <summary>Collected durations, in milliseconds, and their percentiles.</summary>
internal sealed class Latencies
{
    private readonly List<double> _ms = [];

    public int Count
    {
        get
        {
            lock (_ms)
            {
                return _ms.Count;
            }
        }
    }

    public void Add(double milliseconds)
    {
        lock (_ms)
        {
            _ms.Add(milliseconds);
        }
    }

    public void AddRange(IEnumerable<double> milliseconds)
    {
        lock (_ms)
        {
            _ms.AddRange(milliseconds);
        }
    }

    /// <summary>Every duration of <paramref name="parts"/> in one collection.</summary>
    public static Latencies Merge(IEnumerable<Latencies> parts)
    {
        var all = new Latencies();
        foreach (var part in parts)
        {
            lock (part._ms)
            {
                all._ms.AddRange(part._ms);
            }
        }

        return all;
    }

    public double Percentile(double p)
    {
        lock (_ms)
        {
            if (_ms.Count == 0)
            {
                return double.NaN;
            }

            _ms.Sort();
            var index = (int)Math.Ceiling(p / 100 * _ms.Count) - 1;
            return _ms[Math.Clamp(index, 0, _ms.Count - 1)];
        }
    }

    public string Summary() => $"p50 {Percentile(50):F2} ms, p99 {Percentile(99):F2} ms, max {Percentile(100):F2} ms ({Count} samples)";
}
