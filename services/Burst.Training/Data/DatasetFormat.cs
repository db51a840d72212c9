namespace Burst.Training;

/// <summary>How a data file is laid out.</summary>
public enum DatasetFormat
{
    /// <summary>UCI adult.data / adult.test: no header, ", " separators, "?" for missing, "." after test labels.</summary>
    Census,

    /// <summary>Delimited text with a header row; the label column and positive label are named by the caller.</summary>
    Csv,
}
