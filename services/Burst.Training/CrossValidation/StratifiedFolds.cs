namespace Burst.Training;

/// <summary>
/// Stratified K-fold assignment. Without a seed it is scikit-learn's StratifiedKFold(shuffle=False)
/// to the row, so cross-validation scores can be compared with the seed pipeline's one for one.
/// </summary>
public static class StratifiedFolds
{
    /// <summary>The test fold (0..folds-1) of every row.</summary>
    /// <param name="labels">Class of each row (any float values; each distinct value is a class).</param>
    /// <param name="folds">Number of folds, at least 2 and at most the row count of the largest class.</param>
    /// <param name="shuffleSeed">When given, each class's fold labels are shuffled with this seed (scikit-learn's shuffle=True, not its exact generator).</param>
    public static int[] Assign(ReadOnlySpan<float> labels, int folds, long? shuffleSeed = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);

        // Classes are numbered by first appearance, as scikit-learn does, which decides how the
        // round-robin below shares the odd rows out.
        var classOf = new int[labels.Length];
        var classIds = new Dictionary<float, int>();
        var counts = new List<int>();
        for (var i = 0; i < labels.Length; i++)
        {
            if (!classIds.TryGetValue(labels[i], out var id))
            {
                id = classIds.Count;
                classIds[labels[i]] = id;
                counts.Add(0);
            }

            classOf[i] = id;
            counts[id]++;
        }

        if (counts.Count == 0 || counts.TrueForAll(c => folds > c))
        {
            throw new ArgumentException($"{folds} folds need at least {folds} rows in some class; the largest class has {(counts.Count == 0 ? 0 : counts.Max())}.", nameof(folds));
        }

        // Deal the class-sorted rows round-robin into folds: allocation[f][k] = rows of class k in
        // fold f. Class k occupies positions [start, start + count) of the sorted order.
        var allocation = new int[folds, counts.Count];
        var start = 0;
        for (var k = 0; k < counts.Count; k++)
        {
            for (var f = 0; f < folds; f++)
            {
                allocation[f, k] = CountCongruent(start, start + counts[k], f, folds);
            }

            start += counts[k];
        }

        // Each class's rows, in data order, get fold 0 for its first allocation[0,k] rows, then fold 1, ...
        var sequences = new int[counts.Count][];
        for (var k = 0; k < counts.Count; k++)
        {
            var sequence = new int[counts[k]];
            var p = 0;
            for (var f = 0; f < folds; f++)
            {
                for (var n = 0; n < allocation[f, k]; n++)
                {
                    sequence[p++] = f;
                }
            }

            if (shuffleSeed is { } seed)
            {
                new Random(unchecked((int)(seed ^ (seed >>> 32)) + k)).Shuffle(sequence);
            }

            sequences[k] = sequence;
        }

        var next = new int[counts.Count];
        var assignment = new int[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            assignment[i] = sequences[classOf[i]][next[classOf[i]]++];
        }

        return assignment;
    }

    /// <summary>Numbers p in [from, to) with p mod m == r.</summary>
    private static int CountCongruent(int from, int to, int r, int m)
    {
        var first = from + ((r - from % m) % m + m) % m;
        return first >= to ? 0 : (to - 1 - first) / m + 1;
    }
}
