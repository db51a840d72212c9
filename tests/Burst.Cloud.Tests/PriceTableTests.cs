using System.Text;
using Burst.Cloud.Pricing;

namespace Burst.Cloud.Tests;

public sealed class PriceTableTests
{
    [Fact]
    public void The_shipped_table_prices_common_types_with_spot_below_on_demand_and_says_it_is_an_estimate()
    {
        var table = PriceTable.Default;

        Assert.Contains("Estimate", table.Description, StringComparison.OrdinalIgnoreCase);
        foreach (var type in new[] { "e2-standard-4", "n2-standard-16", "c2-standard-30", "c3-highcpu-44" })
        {
            var price = table.Find(type);
            Assert.NotNull(price);
            Assert.InRange(price.Spot, 0.001, price.OnDemand);
        }
    }

    [Fact]
    public void A_type_not_in_the_table_is_priced_from_its_family_per_vcpu_rate_or_not_at_all()
    {
        var table = PriceTable.Default;

        var n2 = table.Find("n2-highmem-48")!;
        Assert.Equal(48 * 0.0486, n2.OnDemand, 3);
        Assert.Equal(48 * 0.0118, n2.Spot, 3);
        Assert.Null(table.Find("a3-megagpu-8g"));
        Assert.Null(table.Find("custom"));
    }

    [Fact]
    public void A_replacement_file_replaces_the_prices()
    {
        const string json = """{"description": "ours", "machineTypes": {"e2-standard-4": {"onDemand": 1.5, "spot": 0.5}}}""";

        var table = PriceTable.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "ours.json");

        Assert.Equal("ours", table.Description);
        Assert.Equal(0.5, table.Find("e2-standard-4")!.PerHour(spot: true));
        Assert.Null(table.Find("e2-standard-8"));
        Assert.Throws<InvalidDataException>(() => PriceTable.Parse(new MemoryStream(Encoding.UTF8.GetBytes("""{"machineTypes": {"x": {"onDemand": -1, "spot": 0}}}""")), "bad.json"));
    }
}
