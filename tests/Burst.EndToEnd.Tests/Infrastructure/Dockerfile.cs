using System.Text;
using System.Text.RegularExpressions;

namespace Burst.EndToEnd.Tests.Infrastructure;

/// <summary>One instruction of a Dockerfile, continuation lines joined.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments, int Line);

/// <summary>A COPY: its sources, destination, and the stage it copies from (null: the build context).</summary>
internal sealed record DockerCopy(string? From, IReadOnlyList<string> Sources, string Destination, int Line);

/// <summary>Just enough of the Dockerfile syntax to check what a build would copy (no Docker engine runs here).</summary>
internal sealed partial class Dockerfile
{
    private Dockerfile(string path, IReadOnlyList<DockerInstruction> instructions)
    {
        Path = path;
        Instructions = instructions;
    }

    public string Path { get; }

    public IReadOnlyList<DockerInstruction> Instructions { get; }

    public IEnumerable<DockerCopy> Copies => Instructions.Where(i => i.Keyword == "COPY").Select(ParseCopy);

    public static Dockerfile Load(string path)
    {
        var instructions = new List<DockerInstruction>();
        var current = new StringBuilder();
        var start = 0;
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (current.Length == 0 && (line.Length == 0 || line.StartsWith('#')))
            {
                continue;
            }

            if (current.Length == 0)
            {
                start = i + 1;
            }

            var continued = line.EndsWith('\\');
            current.Append(continued ? line[..^1] : line).Append(' ');
            if (!continued)
            {
                var text = current.ToString().Trim();
                var space = text.IndexOf(' ', StringComparison.Ordinal);
                instructions.Add(new DockerInstruction(text[..space].ToUpperInvariant(), text[(space + 1)..].Trim(), start));
                current.Clear();
            }
        }

        return new Dockerfile(path, instructions);
    }

    /// <summary>The arguments of a RUN, split on whitespace (enough for `dotnet publish ...`).</summary>
    public static string[] Words(string arguments) => arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static DockerCopy ParseCopy(DockerInstruction copy)
    {
        var words = Words(copy.Arguments).ToList();
        string? from = null;
        while (words.Count > 0 && words[0].StartsWith("--", StringComparison.Ordinal))
        {
            if (FromFlag().Match(words[0]) is { Success: true } match)
            {
                from = match.Groups[1].Value;
            }

            words.RemoveAt(0);
        }

        return new DockerCopy(from, words[..^1], words[^1], copy.Line);
    }

    [GeneratedRegex("^--from=(.+)$")]
    private static partial Regex FromFlag();
}

/// <summary>The patterns of a .dockerignore (no '!' exceptions), matched as Docker does: a pattern excludes a path and all below it.</summary>
internal sealed class DockerIgnore(IReadOnlyList<Regex> patterns)
{
    public static DockerIgnore Load(string path) => new(File.ReadAllLines(path)
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(p => new Regex("^" + Regex.Escape(p.TrimEnd('/')).Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal) + "$"))
        .ToList());

    /// <summary>True when <paramref name="relativePath"/> (with '/' separators) or a folder above it is excluded.</summary>
    public bool Excludes(string relativePath)
    {
        var parts = relativePath.Trim('/').Split('/');
        for (var i = 1; i <= parts.Length; i++)
        {
            var prefix = string.Join('/', parts[..i]);
            if (patterns.Any(p => p.IsMatch(prefix)))
            {
                return true;
            }
        }

        return false;
    }
}
