using System.Text;

namespace Burst.Cli.Specs;

/// <summary>
/// Reads proto enums from the command line by their short names (<c>census</c>, <c>successive_halving</c>,
/// <c>roc-auc</c>) or their full proto names (<c>DATA_FORMAT_CSV</c>), case-insensitively.
/// </summary>
internal static class EnumNames
{
    public static T Parse<T>(string value, string flag)
        where T : struct, Enum
    {
        var wanted = Squash(value);
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (Convert.ToInt32(candidate, System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                continue;
            }

            var name = candidate.ToString();
            if (wanted == Squash(name) || wanted == Squash(ProtoPrefix<T>() + name))
            {
                return candidate;
            }
        }

        throw new CliUsageException($"{flag}: '{value}' is not one of {string.Join(", ", ShortNames<T>())}");
    }

    /// <summary>The names a user types: <c>SuccessiveHalving</c> becomes <c>successive_halving</c>.</summary>
    public static IEnumerable<string> ShortNames<T>()
        where T : struct, Enum =>
        Enum.GetValues<T>()
            .Where(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) != 0)
            .Select(v => ShortName(v));

    public static string ShortName<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }

    /// <summary>The proto prefix of the enum's values, <c>DataFormat</c> gives <c>DATAFORMAT</c> once squashed.</summary>
    private static string ProtoPrefix<T>() => typeof(T).Name;

    private static string Squash(string text) =>
        new(text.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
}
