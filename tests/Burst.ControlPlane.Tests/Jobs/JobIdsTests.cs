using Burst.ControlPlane.Jobs;
using Microsoft.Extensions.Time.Testing;

namespace Burst.ControlPlane.Tests.Jobs;

public sealed class JobIdsTests
{
    [Fact]
    public void Ids_are_short_url_safe_and_sort_in_the_order_they_were_made()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var ids = new JobIds(time);

        var made = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            made.Add(ids.Next());
            if (i % 10 == 0)
            {
                time.Advance(TimeSpan.FromMilliseconds(3));
            }
        }

        Assert.All(made, id => Assert.True(JobIds.IsWellFormed(id), id));
        Assert.All(made, id => Assert.Equal(18, id.Length));
        Assert.Equal(made, made.Order(StringComparer.Ordinal));
        Assert.Equal(made.Count, made.Distinct().Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData("j-")]
    [InlineData("x-01m8jraz0n2pvcgf")]
    [InlineData("j-01M8JRAZ0N2PVCGF")]
    [InlineData("j-01m8jraz0n2pvcgu")]
    public void Malformed_ids_are_recognised(string id) => Assert.False(JobIds.IsWellFormed(id));
}
