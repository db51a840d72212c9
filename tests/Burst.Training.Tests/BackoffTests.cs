namespace Burst.Training.Tests;

public sealed class BackoffTests
{
    private static readonly TimeSpan Ms100 = TimeSpan.FromMilliseconds(100);

    [Theory]
    [InlineData(0, 100)]
    [InlineData(1, 200)]
    [InlineData(2, 400)]
    [InlineData(3, 800)]
    [InlineData(4, 1000)]
    [InlineData(1000, 1000)]
    public void Without_jitter_each_retry_waits_twice_the_last_up_to_the_longest(int retry, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), new Backoff(Ms100, TimeSpan.FromSeconds(1)).Delay(retry));

    [Theory]
    [InlineData(0.0, 400)]
    [InlineData(0.5, 300)]
    [InlineData(0.999999, 200)]
    public void Jitter_takes_up_to_its_share_off_the_wait(double unit, int milliseconds)
    {
        var delay = new Backoff(Ms100, TimeSpan.FromSeconds(1), Jitter: 0.5).Delay(2, unit);

        Assert.Equal(milliseconds, delay.TotalMilliseconds, 0.01);
    }

    [Fact]
    public void A_random_draw_stays_between_the_jittered_floor_and_the_ceiling()
    {
        var backoff = new Backoff(Ms100, TimeSpan.FromSeconds(1), Jitter: 0.5);

        for (var i = 0; i < 200; i++)
        {
            var delay = backoff.Delay(3);
            Assert.InRange(delay, TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(800));
        }
    }

    [Fact]
    public void Settings_that_cannot_back_off_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(Ms100, TimeSpan.FromSeconds(1), Jitter: 1.5));
    }
}
