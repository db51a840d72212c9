using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Providers.Gce;

/// <summary>The startup-script every gce worker VM runs: docker/gce/startup-script.sh, built into this assembly, or Burst:Gce:StartupScript.</summary>
internal sealed class GceStartupScript(IOptions<GceOptions> options)
{
    private readonly Lazy<string> _text = new(() => options.Value.StartupScript is { Length: > 0 } path ? File.ReadAllText(path) : Embedded());

    public string Text => _text.Value;

    public static string Embedded()
    {
        using var stream = typeof(GceStartupScript).Assembly.GetManifestResourceStream("Burst.ControlPlane.startup-script.sh")
            ?? throw new InvalidOperationException("docker/gce/startup-script.sh is missing from the control plane's build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
