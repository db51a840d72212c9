using System.Globalization;
using System.Text;

namespace Burst.Cli.Specs;

/// <summary>
/// Durations as people type them: <c>90s</c>, <c>30m</c>, <c>1h</c>, <c>1h30m</c>, <c>1.5h</c>, <c>500ms</c>,
/// <c>2d</c>, a bare number of seconds, or <c>hh:mm:ss</c>.
/// </summary>
public static class DurationText
{
    public static TimeSpan Parse(string text, string flag) =>
        TryParse(text, out var value)
            ? value
            : throw new CliUsageException(
                $"{flag}: '{text}' is not a duration; use a number with a unit, such as 90s, 30m, 1h or 1h30m");

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim().ToLowerInvariant();
        if (s.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParseExact(s, ["c", @"h\:mm\:ss", @"m\:ss"], CultureInfo.InvariantCulture, out value)
                && value >= TimeSpan.Zero;
        }

        if (double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var bareSeconds))
        {
            return TryFromSeconds(bareSeconds, out value);
        }

        double totalSeconds = 0;
        var position = 0;
        while (position < s.Length)
        {
            var numberStart = position;
            while (position < s.Length && (char.IsDigit(s[position]) || s[position] == '.'))
            {
                position++;
            }

            var unitStart = position;
            while (position < s.Length && char.IsLetter(s[position]))
            {
                position++;
            }

            if (numberStart == unitStart || unitStart == position
                || !double.TryParse(s.AsSpan(numberStart, unitStart - numberStart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            double? unitSeconds = s[unitStart..position] switch
            {
                "ms" => 0.001,
                "s" or "sec" or "secs" => 1,
                "m" or "min" or "mins" => 60,
                "h" or "hr" or "hrs" => 3600,
                "d" => 86400,
                _ => null,
            };
            if (unitSeconds is null)
            {
                return false;
            }

            totalSeconds += number * unitSeconds.Value;
        }

        return TryFromSeconds(totalSeconds, out value);
    }

    /// <summary>A short human form: <c>42s</c>, <c>3m05s</c>, <c>1h02m</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            value = TimeSpan.Zero;
        }

        var builder = new StringBuilder();
        if (value.TotalHours >= 1)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{(int)value.TotalHours}h{value.Minutes:00}m");
        }
        else if (value.TotalMinutes >= 1)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{value.Minutes}m{value.Seconds:00}s");
        }
        else if (value.TotalSeconds >= 10)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{value.Seconds}s");
        }
        else
        {
            builder.Append(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.0}s");
        }

        return builder.ToString();
    }

    private static bool TryFromSeconds(double seconds, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (double.IsNaN(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
