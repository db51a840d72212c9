using System.Globalization;

namespace Burst.TrainerAgent.Cli;

/// <summary>
/// <c>--name value</c>, <c>--name=value</c> and bare <c>--switch</c> flags for one mode, checked against
/// the flags that mode knows. Every problem names the flag.
/// </summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    private Arguments(string mode) => Mode = mode;

    public string Mode { get; }

    /// <param name="valueFlags">Flags that take a value, without the leading dashes.</param>
    /// <param name="switches">Flags that take none.</param>
    public static Arguments Parse(string mode, IReadOnlyList<string> args, IReadOnlyCollection<string> valueFlags, IReadOnlyCollection<string> switches)
    {
        var parsed = new Arguments(mode);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"{mode}: unexpected argument '{arg}' (flags look like --name value).");
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[2..equals] : arg[2..];
            string? value;
            if (valueFlags.Contains(name))
            {
                if (equals > 0)
                {
                    value = arg[(equals + 1)..];
                }
                else if (i + 1 < args.Count)
                {
                    value = args[++i];
                }
                else
                {
                    throw new UsageException($"{mode}: --{name} needs a value.");
                }
            }
            else if (switches.Contains(name))
            {
                if (equals > 0)
                {
                    throw new UsageException($"{mode}: --{name} takes no value.");
                }

                value = null;
            }
            else
            {
                var known = valueFlags.Concat(switches).Order(StringComparer.Ordinal).Select(f => "--" + f);
                throw new UsageException($"{mode}: unknown flag --{name}. Known flags: {string.Join(", ", known)}.");
            }

            if (!parsed._values.TryAdd(name, value))
            {
                throw new UsageException($"{mode}: --{name} is given more than once.");
            }
        }

        return parsed;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? String(string name) => _values.TryGetValue(name, out var value) ? value : null;

    public int Int(string name, int fallback, int min, int max = int.MaxValue)
    {
        if (String(name) is not { } text)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"{Mode}: --{name} must be a whole number {(max == int.MaxValue ? $">= {min}" : $"from {min} to {max}")}, got '{text}'.");
        }

        return value;
    }

    public long Long(string name, long fallback)
    {
        if (String(name) is not { } text)
        {
            return fallback;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"{Mode}: --{name} must be a whole number, got '{text}'.");
    }

    /// <summary>One of <paramref name="choices"/> (spelled as on the command line), mapped to its value.</summary>
    public T Choice<T>(string name, T fallback, IReadOnlyDictionary<string, T> choices)
    {
        if (String(name) is not { } text)
        {
            return fallback;
        }

        return choices.TryGetValue(text, out var value)
            ? value
            : throw new UsageException($"{Mode}: --{name} must be one of {string.Join(", ", choices.Keys)}, got '{text}'.");
    }

    /// <summary>A non-empty value, or null when the flag is absent.</summary>
    public string? NonEmpty(string name)
    {
        var value = String(name);
        if (value is not null && string.IsNullOrWhiteSpace(value))
        {
            throw new UsageException($"{Mode}: --{name} must not be empty.");
        }

        return value;
    }
}
