using System.Xml.Linq;
using Burst.EndToEnd.Tests.Infrastructure;

namespace Burst.EndToEnd.Tests;

/// <summary>
/// No Docker engine runs here, so the images cannot be built; these tests check what a build would
/// need: every path a Dockerfile copies from the build context exists and is not .dockerignored,
/// the restore step sees every project it restores, and after the Dockerfile's own `dotnet publish`
/// (run here into a temporary folder) every path copied from the build stage exists, entry point included.
/// The publishes take both cores for a while: they run alone, not beside jobs with heartbeat deadlines.
/// </summary>
[Collection(nameof(DockerfileCollection))]
public sealed class DockerfileTests
{
    public static TheoryData<string> Dockerfiles => new() { "control-plane.Dockerfile", "trainer-agent.Dockerfile" };

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Every_path_copied_from_the_build_context_exists_and_is_sent(string name)
    {
        var dockerfile = Dockerfile.Load(Path.Combine(Repo.Root, "docker", name));
        var ignore = DockerIgnore.Load(Path.Combine(Repo.Root, ".dockerignore"));
        var sources = dockerfile.Copies.Where(c => c.From is null).SelectMany(c => c.Sources).ToList();

        Assert.NotEmpty(sources);
        Assert.All(sources, source =>
        {
            var path = Path.Combine(Repo.Root, source);
            Assert.True(File.Exists(path) || Directory.Exists(path), $"{name}: COPY {source}: not in the repository");
            Assert.False(ignore.Excludes(source), $"{name}: COPY {source}: excluded by .dockerignore");
        });
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void The_restore_step_has_every_project_it_needs(string name)
    {
        var dockerfile = Dockerfile.Load(Path.Combine(Repo.Root, "docker", name));
        var restore = dockerfile.Instructions.First(i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet restore", StringComparison.Ordinal));
        var copiedBefore = dockerfile.Copies.Where(c => c.From is null && c.Line < restore.Line).SelectMany(c => c.Sources).ToHashSet();
        var project = Dockerfile.Words(restore.Arguments)[2];

        var needed = ProjectClosure(project).Append("Directory.Build.props").Append("Directory.Packages.props").Append("global.json");

        Assert.All(needed, file => Assert.True(copiedBefore.Contains(file), $"{name}: {file} is not copied before `dotnet restore`"));
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public async Task Every_path_copied_from_the_build_stage_exists_after_its_dotnet_publish(string name)
    {
        var dockerfile = Dockerfile.Load(Path.Combine(Repo.Root, "docker", name));
        var stageRoot = Repo.TempDir("burst-docker-publish");
        try
        {
            // Run the Dockerfile's own publish, with its output folder moved under a temporary root.
            var publish = dockerfile.Instructions.Single(i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet publish", StringComparison.Ordinal));
            var words = Dockerfile.Words(publish.Arguments).Skip(1).Where(w => w != "--no-restore").ToList();
            var output = words.IndexOf("-o") + 1;
            words[output] = stageRoot + words[output];
            var result = await ProcessRunner.RunAsync("dotnet", [.. words, "-nologo"], TimeSpan.FromMinutes(8));
            Assert.True(result.ExitCode == 0, result.ToString());

            var fromBuild = dockerfile.Copies.Where(c => c.From is not null).ToList();
            Assert.NotEmpty(fromBuild);
            Assert.All(fromBuild.SelectMany(c => c.Sources), source =>
                Assert.True(Directory.Exists(stageRoot + source) || File.Exists(stageRoot + source), $"{name}: COPY --from: {source} is not in the publish output"));

            // The entry point and the bundled data are where the runtime stage expects them.
            var copied = stageRoot + fromBuild[^1].Sources[0];
            var entryPoint = dockerfile.Instructions.Single(i => i.Keyword == "ENTRYPOINT").Arguments;
            var executable = System.Text.Json.JsonSerializer.Deserialize<string[]>(entryPoint)![0];
            Assert.True(File.Exists(Path.Combine(copied, executable)), $"{name}: ENTRYPOINT {executable} is not in {copied}");
            Assert.True(File.Exists(Path.Combine(copied, "burst-agent")), $"{name}: burst-agent is not in {copied}");
            Assert.True(File.Exists(Path.Combine(copied, "data", "census", "adult.data")), $"{name}: the bundled census data is not in {copied}");
        }
        finally
        {
            Directory.Delete(stageRoot, recursive: true);
        }
    }

    [Fact]
    public void The_compose_file_builds_both_images_and_mounts_the_collector_config()
    {
        var compose = File.ReadAllText(Path.Combine(Repo.Root, "docker", "compose.yaml"));

        Assert.Contains("dockerfile: docker/control-plane.Dockerfile", compose, StringComparison.Ordinal);
        Assert.Contains("dockerfile: docker/trainer-agent.Dockerfile", compose, StringComparison.Ordinal);
        Assert.Contains("./otel-collector.yaml:", compose, StringComparison.Ordinal);
        Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4317", compose, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Repo.Root, "docker", "otel-collector.yaml")));
    }

    /// <summary>The project and every project it references, as repository-relative paths.</summary>
    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (!seen.Add(current))
            {
                continue;
            }

            var folder = Path.GetDirectoryName(Path.Combine(Repo.Root, current))!;
            foreach (var reference in XDocument.Load(Path.Combine(Repo.Root, current)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(folder, reference.Attribute("Include")!.Value));
                pending.Push(Path.GetRelativePath(Repo.Root, full).Replace('\\', '/'));
            }
        }

        return seen;
    }
}

[CollectionDefinition(nameof(DockerfileCollection), DisableParallelization = true)]
public sealed class DockerfileCollection;
