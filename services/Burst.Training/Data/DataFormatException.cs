namespace Burst.Training;

/// <summary>A data file that cannot be used, with the place that shows why: file, 1-based line and 1-based column.</summary>
public sealed class DataFormatException(string file, long line, int column, string problem)
    : Exception($"{file}: line {line}, column {column}: {problem}")
{
    public string File { get; } = file;

    public long Line { get; } = line;

    public int Column { get; } = column;

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; } = problem;
}
