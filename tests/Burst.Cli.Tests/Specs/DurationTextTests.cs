using Burst.Cli.Specs;

namespace Burst.Cli.Tests.Specs;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("1h", 3600)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5h", 5400)]
    [InlineData("500ms", 0.5)]
    [InlineData("2d", 172800)]
    [InlineData("45", 45)]
    [InlineData(" 10M ", 600)]
    [InlineData("01:30:00", 5400)]
    [InlineData("2min", 120)]
    public void Durations_are_read_as_people_write_them(string text, double seconds)
    {
        Assert.True(DurationText.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("10x")]
    [InlineData("h")]
    [InlineData("-5m")]
    [InlineData("1h30")]
    [InlineData("1..5h")]
    public void Anything_else_is_not_a_duration(string text)
    {
        Assert.False(DurationText.TryParse(text, out _));
    }

    [Fact]
    public void A_bad_duration_names_the_flag_and_the_value()
    {
        var error = Assert.Throws<CliUsageException>(() => DurationText.Parse("an hour", "--max-runtime"));

        Assert.Contains("--max-runtime: 'an hour' is not a duration", error.Message);
    }

    [Theory]
    [InlineData(4.2, "4.2s")]
    [InlineData(42, "42s")]
    [InlineData(185, "3m05s")]
    [InlineData(3720, "1h02m")]
    public void Durations_are_written_short(double seconds, string expected)
    {
        Assert.Equal(expected, DurationText.Format(TimeSpan.FromSeconds(seconds)));
    }
}
