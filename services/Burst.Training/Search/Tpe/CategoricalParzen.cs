namespace Burst.Training.Search.Tpe;

/// <summary>
/// A mixture over the indices of a choice: each observation's kernel puts weight 1 on its own
/// choice and the prior weight spread evenly over all of them; the prior kernel is uniform.
/// </summary>
internal sealed class CategoricalParzen
{
    private readonly double[] _probabilities;

    public CategoricalParzen(IReadOnlyList<int> observations, int choices, double priorWeight = 1.0)
    {
        var n = observations.Count;
        var weights = ParzenWeights.WithPrior(n, priorWeight);
        _probabilities = new double[choices];
        for (var k = 0; k < n; k++)
        {
            var spread = priorWeight / choices;
            var norm = 1 + priorWeight;
            for (var c = 0; c < choices; c++)
            {
                _probabilities[c] += weights[k] * ((c == observations[k] ? 1 : 0) + spread) / norm;
            }
        }

        for (var c = 0; c < choices; c++)
        {
            _probabilities[c] += weights[n] / choices;
        }
    }

    public int Sample(Random rng) => ParzenWeights.Pick(rng, _probabilities);

    public double LogProbability(int choice) => Math.Log(_probabilities[choice]);
}
