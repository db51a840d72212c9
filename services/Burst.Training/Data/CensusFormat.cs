namespace Burst.Training;

/// <summary>The UCI adult.data / adult.test layout, named as the seed tutorial named it.</summary>
internal static class CensusFormat
{
    public const string LabelColumn = "income-level";
    public const string PositiveLabel = ">50K";
    public const string NegativeLabel = "<=50K";

    /// <summary>adult.test opens with "|1x3 Cross validator"; UCI marks such lines with a leading '|'.</summary>
    public const char CommentPrefix = '|';

    public static readonly string[] Columns =
    [
        "age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
        "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country", LabelColumn,
    ];

    public static readonly HashSet<string> Numeric = new(StringComparer.Ordinal)
    {
        "age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week",
    };

    /// <summary>adult.test writes its labels with a trailing period ("&gt;50K."); adult.data does not.</summary>
    public static ReadOnlySpan<char> NormalizeLabel(ReadOnlySpan<char> raw) => raw.EndsWith(".") ? raw[..^1] : raw;
}
