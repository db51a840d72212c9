using Google.Protobuf;

namespace Burst.Cli.Rendering;

/// <summary>Proto3 JSON, the same form grpcurl and every other language's JSON mapping use.</summary>
internal static class ProtoJson
{
    /// <summary>One message per line, for streams of events (JSON Lines).</summary>
    public static string Line(IMessage message) => JsonFormatter.Default.Format(message);

    /// <summary>One document, indented for reading.</summary>
    public static string Document(IMessage message) => Indented.Format(message);

    private static readonly JsonFormatter Indented = new(JsonFormatter.Settings.Default.WithIndentation());
}
