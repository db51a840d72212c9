using System.Globalization;
using System.Text.Json;

namespace Burst.Cloud.Pricing;

/// <summary>On-demand and Spot prices of one machine type, in USD per hour.</summary>
public sealed record MachinePrice(double OnDemand, double Spot)
{
    public double PerHour(bool spot) => spot ? Spot : OnDemand;
}

/// <summary>
/// What a VM costs per hour by machine type: the shipped estimates (Pricing/prices.json, dated
/// inside), or a file of the same shape that replaces them. A type not in the table is priced from
/// its family's per-vCPU rate and its vCPU count (the number its name ends with), else unknown.
/// </summary>
public sealed class PriceTable
{
    private readonly Dictionary<string, MachinePrice> _types;
    private readonly Dictionary<string, MachinePrice> _perVcpu;

    private PriceTable(string description, Dictionary<string, MachinePrice> types, Dictionary<string, MachinePrice> perVcpu)
    {
        Description = description;
        _types = types;
        _perVcpu = perVcpu;
    }

    /// <summary>What the prices are (source, region, date), as the file says.</summary>
    public string Description { get; }

    public IReadOnlyDictionary<string, MachinePrice> MachineTypes => _types;

    /// <summary>The shipped estimates.</summary>
    public static PriceTable Default { get; } = LoadEmbedded();

    public static PriceTable Load(string path)
    {
        using var file = File.OpenRead(path);
        return Parse(file, path);
    }

    public static PriceTable Parse(Stream json, string source)
    {
        try
        {
            var document = JsonSerializer.Deserialize<PriceFile>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))
                ?? throw new InvalidDataException($"{source}: empty price table.");
            var types = new Dictionary<string, MachinePrice>(document.MachineTypes ?? [], StringComparer.OrdinalIgnoreCase);
            var perVcpu = new Dictionary<string, MachinePrice>(document.PerVcpuByFamily ?? [], StringComparer.OrdinalIgnoreCase);
            foreach (var (name, price) in types.Concat(perVcpu))
            {
                if (!(price.OnDemand >= 0 && price.Spot >= 0 && double.IsFinite(price.OnDemand) && double.IsFinite(price.Spot)))
                {
                    throw new InvalidDataException($"{source}: the prices of '{name}' must be non-negative numbers.");
                }
            }

            return new PriceTable(document.Description ?? source, types, perVcpu);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a price table: {e.Message}", e);
        }
    }

    /// <summary>The price of a machine type; null when neither the table nor its family's rate knows it.</summary>
    public MachinePrice? Find(string machineType)
    {
        ArgumentNullException.ThrowIfNull(machineType);
        if (_types.TryGetValue(machineType, out var price))
        {
            return price;
        }

        // family-class-N: N vCPUs at the family's rate (e.g. n2-highcpu-48).
        var parts = machineType.Split('-');
        if (parts.Length >= 3
            && _perVcpu.TryGetValue(parts[0], out var rate)
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var vcpus)
            && vcpus > 0)
        {
            return new MachinePrice(rate.OnDemand * vcpus, rate.Spot * vcpus);
        }

        return null;
    }

    private static PriceTable LoadEmbedded()
    {
        using var stream = typeof(PriceTable).Assembly.GetManifestResourceStream("Burst.Cloud.Pricing.prices.json")
            ?? throw new InvalidOperationException("the shipped price table is missing from Burst.Cloud.");
        return Parse(stream, "the shipped price table");
    }

    private sealed record PriceFile(string? Description, Dictionary<string, MachinePrice>? MachineTypes, Dictionary<string, MachinePrice>? PerVcpuByFamily);
}
