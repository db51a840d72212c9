using Burst.Cli.Rendering;
using Spectre.Console;

namespace Burst.Cli.Tests.Rendering;

public sealed class ConsoleLineTests
{
    [Fact]
    public void A_line_that_fits_is_left_as_it_is() =>
        Assert.Equal("trial 1: accuracy 0.8600", ConsoleLine.Fit("trial 1: accuracy 0.8600", 80));

    [Fact]
    public void A_line_wider_than_the_console_is_cut_to_one_cell_less_than_the_width_and_ends_in_an_ellipsis()
    {
        var line = "trial 7: accuracy 0.8600; " + string.Join(' ', Enumerable.Range(0, 20).Select(i => $"reg_lambda{i}=0.0008205"));

        var fitted = ConsoleLine.Fit(line, 140);

        Assert.Equal(139, fitted.GetCellWidth());
        Assert.EndsWith("…", fitted, StringComparison.Ordinal);
        Assert.StartsWith(fitted[..^1], line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_of_exactly_the_usable_width_is_not_cut()
    {
        var line = new string('x', 79);

        Assert.Equal(line, ConsoleLine.Fit(line, 80));
    }

    [Fact]
    public void Only_the_first_line_of_a_multi_line_message_is_kept()
    {
        Assert.Equal("failed: boom…", ConsoleLine.Fit("failed: boom\n   at Some.Stack()", 80));
    }

    [Fact]
    public void Wide_characters_count_as_two_cells()
    {
        var fitted = ConsoleLine.Fit(new string('界', 50), 41);

        Assert.True(fitted.GetCellWidth() <= 40, $"{fitted.GetCellWidth()} cells");
    }
}
