using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Burst.Fakes;

/// <summary>
/// A fake of the Compute Engine v1 REST API at http://127.0.0.1:PORT/compute/v1/ (for
/// CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE): instances insert, get, delete, zonal and aggregated
/// list with label filters, guest attributes, zone and global operations (get and wait), and images
/// (getFromFamily, insert, list). An inserted instance gets its own <see cref="FakeMetadataServer"/>
/// and, when <see cref="AgentPath"/> is set, runs `burst-agent agent` as a local process whose only
/// configuration is GCE_METADATA_HOST (plus the API endpoints), so the agent's metadata path runs. An
/// instance labelled burst-role=image-builder instead plays a builder VM: it writes the guest
/// attribute burst/image-build=done and powers off. Errors can be injected: a zone out of resources,
/// HTTP errors such as 429 before success, and the preemption of a running instance.
/// </summary>
internal sealed partial class FakeComputeEngine : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, FakeInstance> _instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonObject> _operations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonObject> _images = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ConcurrentQueue<InjectedError> _errors = new();
    private readonly object _gate = new();
    private FakeHost _host = null!;
    private long _ids = 1000;

    private FakeComputeEngine(string project) => Project = project;

    public string Project { get; }

    /// <summary>http://127.0.0.1:PORT/compute/v1/ for CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE.</summary>
    public string BaseUrl => new Uri(_host.Address, "compute/v1/").ToString();

    /// <summary>burst-agent to run on each inserted instance; null starts no process (instances just say RUNNING).</summary>
    public string? AgentPath { get; set; }

    /// <summary>Variables for the agent's process besides GCE_METADATA_HOST (the other fakes' endpoints).</summary>
    public Dictionary<string, string> AgentEnvironment { get; } = new(StringComparer.Ordinal);

    /// <summary>Where each agent's output goes (&lt;name&gt;.log).</summary>
    public string LogDir { get; set; } = Path.GetTempPath();

    /// <summary>Zones where an insert fails with ZONE_RESOURCE_POOL_EXHAUSTED.</summary>
    public ConcurrentDictionary<string, bool> StockoutZones { get; } = new(StringComparer.Ordinal);

    /// <summary>"METHOD /path" of every request.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    /// <summary>(zone, name, User-Agent) of every delete, in order.</summary>
    public ConcurrentQueue<(string Zone, string Name, string UserAgent)> Deletions { get; } = new();

    /// <summary>(zone, name) of every insert that got an operation, stockouts included.</summary>
    public ConcurrentQueue<(string Zone, string Name, bool Created)> Inserts { get; } = new();

    public static async Task<FakeComputeEngine> StartAsync(string project)
    {
        var fake = new FakeComputeEngine(project);
        fake._host = await FakeHost.StartAsync(fake.HandleAsync);
        return fake;
    }

    /// <summary>The instances that exist now (any status).</summary>
    public IReadOnlyList<FakeInstance> Instances => _instances.Values.OrderBy(i => i.Created).ToList();

    public IReadOnlyList<JsonObject> Images => _images.Values.Select(i => (JsonObject)i.DeepClone()).ToList();

    public FakeInstance? Find(string name) => _instances.Values.FirstOrDefault(i => i.Name == name);

    /// <summary>The next <paramref name="count"/> requests that <paramref name="when"/> selects get this error instead of an answer.</summary>
    public void InjectErrors(int count, int status, string reason, Func<HttpRequest, bool>? when = null)
    {
        for (var i = 0; i < count; i++)
        {
            _errors.Enqueue(new InjectedError(status, reason, when ?? (_ => true)));
        }
    }

    /// <summary>An instance that no control plane started, as a crashed one would leave behind.</summary>
    public FakeInstance Plant(string zone, string name, IReadOnlyDictionary<string, string> labels)
    {
        var resource = new JsonObject
        {
            ["name"] = name,
            ["machineType"] = $"zones/{zone}/machineTypes/e2-standard-2",
            ["labels"] = new JsonObject(labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))),
        };
        var instance = new FakeInstance(this, zone, name, resource, Interlocked.Increment(ref _ids)) { Status = "RUNNING" };
        _instances[Key(zone, name)] = instance;
        return instance;
    }

    /// <summary>An image in this project's <paramref name="family"/>, as `burst image build` would leave.</summary>
    public void AddImage(string name, string family) => _images[name] = new JsonObject
    {
        ["name"] = name,
        ["family"] = family,
        ["id"] = Interlocked.Increment(ref _ids),
        ["status"] = "READY",
        ["selfLink"] = $"{BaseUrl}projects/{Project}/global/images/{name}",
    };

    /// <summary>What a builder VM reports in burst/image-build: "done", or "failed" to play a broken build.</summary>
    public string BuilderOutcome { get; set; } = "done";

    /// <summary>A Spot VM taken back: its process is killed and it is TERMINATED (the control plane must notice and delete it).</summary>
    public void Preempt(string name)
    {
        var instance = Find(name) ?? throw new InvalidOperationException($"no instance {name}");
        instance.Status = "TERMINATED";
        instance.StatusMessage = "Instance was preempted.";
        instance.Kill();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances.Values)
        {
            instance.Kill();
            await instance.DisposeMetadataAsync();
        }

        await _host.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var (s, query) = FakeHost.Target(context);
        var method = context.Request.Method;
        _requests.Enqueue($"{method} /{string.Join('/', s)}");
        if (_errors.TryPeek(out var next) && next.When(context.Request) && _errors.TryDequeue(out var error))
        {
            var message = error.Status == 429 ? "Rate Limit Exceeded" : $"injected {error.Status}";
            await FakeHost.ErrorAsync(context, error.Status, error.Reason, message);
            return;
        }

        // compute/v1/projects/PROJECT/...
        if (s.Length < 4 || s[0] != "compute" || s[1] != "v1" || s[2] != "projects")
        {
            await NotFoundAsync(context, $"no route {method} {context.Request.Path}");
            return;
        }

        var project = s[3];
        var r = s[4..];
        switch (r)
        {
            case ["zones", var zone, "instances"] when method == "POST":
                await InsertAsync(context, project, zone);
                return;
            case ["zones", var zone, "instances"] when method == "GET":
                await ListAsync(context, query, i => i.Zone == zone);
                return;
            case ["aggregated", "instances"] when method == "GET":
                await AggregatedListAsync(context, query);
                return;
            case ["zones", var zone, "instances", var name] when method == "GET":
                if (_instances.TryGetValue(Key(zone, name), out var found))
                {
                    await context.Response.WriteAsJsonAsync(found.Resource());
                }
                else
                {
                    await NotFoundAsync(context, $"The resource 'projects/{project}/zones/{zone}/instances/{name}' was not found");
                }

                return;
            case ["zones", var zone, "instances", var name] when method == "DELETE":
                await DeleteAsync(context, project, zone, name);
                return;
            case ["zones", var zone, "instances", var name, "getGuestAttributes"] when method == "GET":
                await GuestAttributesAsync(context, zone, name, query.GetValueOrDefault("queryPath", ""));
                return;
            case ["zones", _, "operations", var op] when method == "GET":
                await OperationAsync(context, op);
                return;
            case ["zones", _, "operations", var op, "wait"] when method == "POST":
                await OperationAsync(context, op);
                return;
            case ["global", "operations", var op] when method == "GET":
                await OperationAsync(context, op);
                return;
            case ["global", "operations", var op, "wait"] when method == "POST":
                await OperationAsync(context, op);
                return;
            case ["global", "images", "family", var family] when method == "GET":
                await FromFamilyAsync(context, project, family);
                return;
            case ["global", "images"] when method == "POST":
                await InsertImageAsync(context, project);
                return;
            case ["global", "images"] when method == "GET":
                await context.Response.WriteAsJsonAsync(new JsonObject { ["items"] = new JsonArray(Images.Select(i => (JsonNode)i).ToArray()) });
                return;
            default:
                await NotFoundAsync(context, $"the fake Compute Engine has no {method} {context.Request.Path}");
                return;
        }
    }

    private async Task InsertAsync(HttpContext context, string project, string zone)
    {
        var body = (JsonObject?)JsonNode.Parse(await FakeHost.ReadBodyAsync(context)) ?? new JsonObject();
        var name = body["name"]?.GetValue<string>() ?? "";
        var problem = CheckInstance(body, zone);
        if (problem is not null)
        {
            await FakeHost.ErrorAsync(context, 400, "invalid", problem);
            return;
        }

        if (_instances.ContainsKey(Key(zone, name)))
        {
            await FakeHost.ErrorAsync(context, 409, "alreadyExists", $"The resource 'projects/{project}/zones/{zone}/instances/{name}' already exists");
            return;
        }

        if (StockoutZones.ContainsKey(zone))
        {
            Inserts.Enqueue((zone, name, false));
            var failed = NewOperation("insert", zone, $"projects/{project}/zones/{zone}/instances/{name}", done: true);
            failed["error"] = new JsonObject
            {
                ["errors"] = new JsonArray(new JsonObject
                {
                    ["code"] = "ZONE_RESOURCE_POOL_EXHAUSTED",
                    ["message"] = $"The zone 'projects/{project}/zones/{zone}' does not have enough resources available to fulfill the request. Try a different zone, or try again later.",
                }),
            };
            failed["httpErrorStatusCode"] = 503;
            await context.Response.WriteAsJsonAsync(failed);
            return;
        }

        var instance = new FakeInstance(this, zone, name, body, Interlocked.Increment(ref _ids));
        _instances[Key(zone, name)] = instance;
        Inserts.Enqueue((zone, name, true));
        await instance.BootAsync(project);

        // Answered RUNNING, so the client has to wait for it.
        await context.Response.WriteAsJsonAsync(NewOperation("insert", zone, $"projects/{project}/zones/{zone}/instances/{name}", done: false));
    }

    private async Task DeleteAsync(HttpContext context, string project, string zone, string name)
    {
        if (!_instances.TryRemove(Key(zone, name), out var instance))
        {
            await NotFoundAsync(context, $"The resource 'projects/{project}/zones/{zone}/instances/{name}' was not found");
            return;
        }

        Deletions.Enqueue((zone, name, context.Request.Headers.UserAgent.ToString()));
        instance.Status = "STOPPING";
        await context.Response.WriteAsJsonAsync(NewOperation("delete", zone, $"projects/{project}/zones/{zone}/instances/{name}", done: false));

        // After the answer is on its way: an agent deleting its own VM gets its reply, then dies with it.
        _ = Task.Run(async () =>
        {
            await Task.Delay(200);
            instance.Kill();
            await instance.DisposeMetadataAsync();
        });
    }

    private async Task ListAsync(HttpContext context, Dictionary<string, string> query, Func<FakeInstance, bool> where)
    {
        var filter = ParseFilter(query.GetValueOrDefault("filter"));
        var items = _instances.Values.Where(where).Where(i => Matches(i, filter)).OrderBy(i => i.Created).Select(i => (JsonNode)i.Resource()).ToArray();
        await context.Response.WriteAsJsonAsync(new JsonObject { ["kind"] = "compute#instanceList", ["items"] = new JsonArray(items) });
    }

    private async Task AggregatedListAsync(HttpContext context, Dictionary<string, string> query)
    {
        var filter = ParseFilter(query.GetValueOrDefault("filter"));
        var items = new JsonObject();
        foreach (var zone in _instances.Values.Where(i => Matches(i, filter)).GroupBy(i => i.Zone))
        {
            items[$"zones/{zone.Key}"] = new JsonObject { ["instances"] = new JsonArray(zone.Select(i => (JsonNode)i.Resource()).ToArray()) };
        }

        // Zones with nothing come back with a warning, as the real API does.
        items["zones/europe-west1-b"] = new JsonObject { ["warning"] = new JsonObject { ["code"] = "NO_RESULTS_ON_PAGE", ["message"] = "There are no results for scope 'zones/europe-west1-b' on this page." } };
        await context.Response.WriteAsJsonAsync(new JsonObject { ["kind"] = "compute#instanceAggregatedList", ["items"] = items });
    }

    private async Task GuestAttributesAsync(HttpContext context, string zone, string name, string queryPath)
    {
        if (!_instances.TryGetValue(Key(zone, name), out var instance))
        {
            await NotFoundAsync(context, $"The resource 'zones/{zone}/instances/{name}' was not found");
            return;
        }

        var found = instance.GuestAttributes.Where(a => a.Key.StartsWith(queryPath.TrimEnd('/'), StringComparison.Ordinal)).ToList();
        if (found.Count == 0)
        {
            await NotFoundAsync(context, $"The resource 'guest attributes {queryPath}' was not found");
            return;
        }

        var items = found.Select(a =>
        {
            var slash = a.Key.IndexOf('/', StringComparison.Ordinal);
            return (JsonNode)new JsonObject { ["namespace"] = a.Key[..slash], ["key"] = a.Key[(slash + 1)..], ["value"] = a.Value };
        }).ToArray();
        await context.Response.WriteAsJsonAsync(new JsonObject { ["queryPath"] = queryPath, ["queryValue"] = new JsonObject { ["items"] = new JsonArray(items) } });
    }

    private async Task OperationAsync(HttpContext context, string name)
    {
        if (!_operations.TryGetValue(name, out var op))
        {
            await NotFoundAsync(context, $"The resource 'operations/{name}' was not found");
            return;
        }

        lock (_gate)
        {
            op["status"] = "DONE";
        }

        await context.Response.WriteAsJsonAsync(op);
    }

    private async Task FromFamilyAsync(HttpContext context, string project, string family)
    {
        if (project != Project)
        {
            // Public image projects (debian-cloud, cos-cloud) have every family.
            await context.Response.WriteAsJsonAsync(new JsonObject
            {
                ["name"] = $"{family}-v20261101",
                ["family"] = family,
                ["status"] = "READY",
                ["selfLink"] = $"{BaseUrl}projects/{project}/global/images/{family}-v20261101",
            });
            return;
        }

        var newest = _images.Values.Where(i => i["family"]?.GetValue<string>() == family).OrderByDescending(i => i["id"]!.GetValue<long>()).FirstOrDefault();
        if (newest is null)
        {
            await NotFoundAsync(context, $"The resource 'projects/{project}/global/images/family/{family}' was not found");
            return;
        }

        await context.Response.WriteAsJsonAsync(newest);
    }

    private async Task InsertImageAsync(HttpContext context, string project)
    {
        var body = (JsonObject?)JsonNode.Parse(await FakeHost.ReadBodyAsync(context)) ?? new JsonObject();
        var name = body["name"]?.GetValue<string>() ?? "";
        var sourceDisk = body["sourceDisk"]?.GetValue<string>() ?? "";
        var match = DiskPath().Match(sourceDisk);
        if (!NameRule().IsMatch(name) || !match.Success)
        {
            await FakeHost.ErrorAsync(context, 400, "invalid", $"an image needs a valid name and sourceDisk zones/ZONE/disks/DISK, got '{name}' and '{sourceDisk}'");
            return;
        }

        // A boot disk is named after its instance here; GCE wants it detached or its VM stopped.
        if (!_instances.TryGetValue(Key(match.Groups[1].Value, match.Groups[2].Value), out var owner))
        {
            await NotFoundAsync(context, $"The resource '{sourceDisk}' was not found");
            return;
        }

        if (owner.Status != "TERMINATED")
        {
            await FakeHost.ErrorAsync(context, 400, "resourceInUseByAnotherResource", $"The disk resource '{sourceDisk}' is already being used by '{owner.Name}'");
            return;
        }

        body["id"] = Interlocked.Increment(ref _ids);
        body["status"] = "READY";
        body["selfLink"] = $"{BaseUrl}projects/{project}/global/images/{name}";
        body["creationTimestamp"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        if (!_images.TryAdd(name, body))
        {
            await FakeHost.ErrorAsync(context, 409, "alreadyExists", $"The resource 'projects/{project}/global/images/{name}' already exists");
            return;
        }

        await context.Response.WriteAsJsonAsync(NewOperation("insert", null, $"projects/{project}/global/images/{name}", done: false));
    }

    private JsonObject NewOperation(string type, string? zone, string target, bool done)
    {
        var name = $"operation-{Interlocked.Increment(ref _ids)}";
        var op = new JsonObject
        {
            ["kind"] = "compute#operation",
            ["name"] = name,
            ["operationType"] = type,
            ["targetLink"] = $"{BaseUrl}{target}",
            ["status"] = done ? "DONE" : "RUNNING",
            ["selfLink"] = zone is null ? $"{BaseUrl}projects/{Project}/global/operations/{name}" : $"{BaseUrl}projects/{Project}/zones/{zone}/operations/{name}",
        };
        if (zone is not null)
        {
            op["zone"] = $"{BaseUrl}projects/{Project}/zones/{zone}";
        }

        _operations[name] = op;
        return (JsonObject)op.DeepClone();
    }

    /// <summary>What the real API would refuse in an insert body; null when it is well formed.</summary>
    private static string? CheckInstance(JsonObject body, string zone)
    {
        var name = body["name"]?.GetValue<string>() ?? "";
        if (!NameRule().IsMatch(name))
        {
            return $"Invalid value for field 'resource.name': '{name}'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{{0,61}}[a-z0-9])?)'";
        }

        var machineType = body["machineType"]?.GetValue<string>() ?? "";
        if (!machineType.Contains($"zones/{zone}/machineTypes/", StringComparison.Ordinal))
        {
            return $"Invalid value for field 'resource.machineType': '{machineType}'. It must name a machine type of zone {zone}.";
        }

        var disks = body["disks"]?.AsArray();
        var boot = disks?.FirstOrDefault(d => d?["boot"]?.GetValue<bool>() == true);
        if (boot?["initializeParams"]?["sourceImage"]?.GetValue<string>() is not { Length: > 0 })
        {
            return "Invalid value for field 'resource.disks': a boot disk with initializeParams.sourceImage is required.";
        }

        if (body["networkInterfaces"]?.AsArray() is not { Count: > 0 })
        {
            return "Invalid value for field 'resource.networkInterfaces': at least one network interface is required.";
        }

        foreach (var (key, value) in body["labels"]?.AsObject() ?? [])
        {
            if (!LabelRule().IsMatch(key) || !LabelValueRule().IsMatch(value?.GetValue<string>() ?? ""))
            {
                return $"Invalid value for field 'resource.labels': '{key}={value}'.";
            }
        }

        if (body["scheduling"]?["provisioningModel"]?.GetValue<string>() == "SPOT"
            && body["scheduling"]?["instanceTerminationAction"]?.GetValue<string>() is not ("DELETE" or "STOP"))
        {
            return "Invalid value for field 'resource.scheduling.instanceTerminationAction': Spot VMs need DELETE or STOP.";
        }

        return null;
    }

    private static List<(string Key, string Value)> ParseFilter(string? filter)
    {
        var terms = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(filter))
        {
            return terms;
        }

        foreach (Match m in FilterTerm().Matches(filter))
        {
            terms.Add((m.Groups[1].Value, m.Groups[2].Value));
        }

        if (terms.Count == 0)
        {
            throw new InvalidOperationException($"the fake cannot read the filter '{filter}'");
        }

        return terms;
    }

    private static bool Matches(FakeInstance instance, List<(string Key, string Value)> filter) =>
        filter.All(t => instance.Labels.TryGetValue(t.Key, out var v) && v == t.Value);

    private static Task NotFoundAsync(HttpContext context, string message) => FakeHost.ErrorAsync(context, 404, "notFound", message);

    private static string Key(string zone, string name) => $"{zone}/{name}";

    [GeneratedRegex("^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex NameRule();

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,62}$")]
    private static partial Regex LabelRule();

    [GeneratedRegex("^[a-z0-9_-]{0,63}$")]
    private static partial Regex LabelValueRule();

    [GeneratedRegex("""labels\.([a-z0-9_-]+)\s*=\s*"?([a-z0-9_-]*)"?""")]
    private static partial Regex FilterTerm();

    [GeneratedRegex("(?:^|/)zones/([^/]+)/disks/([^/]+)$")]
    private static partial Regex DiskPath();

    private sealed record InjectedError(int Status, string Reason, Func<HttpRequest, bool> When);

    /// <summary>One fake VM: its resource, status, metadata server and agent process.</summary>
    internal sealed class FakeInstance(FakeComputeEngine owner, string zone, string name, JsonObject resource, long id)
    {
        private readonly ConcurrentDictionary<string, string> _kept = new(StringComparer.Ordinal);
        private Process? _process;
        private FakeMetadataServer? _metadata;

        public string Zone { get; } = zone;

        public string Name { get; } = name;

        public DateTimeOffset Created { get; } = DateTimeOffset.UtcNow;

        public volatile string Status = "PROVISIONING";

        public volatile string? StatusMessage;

        public JsonObject Body { get; } = resource;

        public int? Pid => _process?.Id;

        public IReadOnlyDictionary<string, string> Labels =>
            (Body["labels"]?.AsObject() ?? []).ToDictionary(l => l.Key, l => l.Value?.GetValue<string>() ?? "", StringComparer.Ordinal);

        public IReadOnlyDictionary<string, string> Metadata =>
            (Body["metadata"]?["items"]?.AsArray() ?? []).Where(i => i is not null)
                .ToDictionary(i => i!["key"]!.GetValue<string>(), i => i!["value"]?.GetValue<string>() ?? "", StringComparer.Ordinal);

        public IReadOnlyDictionary<string, string> GuestAttributes => (IReadOnlyDictionary<string, string>?)_metadata?.GuestAttributes ?? _kept;

        public JsonObject Resource()
        {
            var copy = (JsonObject)Body.DeepClone();
            copy["kind"] = "compute#instance";
            copy["id"] = id.ToString(CultureInfo.InvariantCulture);
            copy["status"] = Status;
            if (StatusMessage is not null)
            {
                copy["statusMessage"] = StatusMessage;
            }

            copy["zone"] = $"{owner.BaseUrl}projects/{owner.Project}/zones/{Zone}";
            copy["machineType"] = $"{owner.BaseUrl}projects/{owner.Project}/{copy["machineType"]?.GetValue<string>()}";
            copy["selfLink"] = $"{owner.BaseUrl}projects/{owner.Project}/zones/{Zone}/instances/{Name}";
            copy["creationTimestamp"] = Created.ToString("O", CultureInfo.InvariantCulture);
            return copy;
        }

        public async Task BootAsync(string project)
        {
            _metadata = await FakeMetadataServer.StartAsync(project, Zone, Name, () => Metadata);
            Status = "RUNNING";
            if (Labels.GetValueOrDefault("burst-role") == "image-builder")
            {
                _ = PlayBuilderAsync();
                return;
            }

            if (owner.AgentPath is { } agent)
            {
                StartAgent(agent);
            }
        }

        public void Kill()
        {
            try
            {
                if (_process is { HasExited: false } process)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }

        public async Task DisposeMetadataAsync()
        {
            if (Interlocked.Exchange(ref _metadata, null) is { } metadata)
            {
                // Keep the guest attributes readable after the server is gone.
                foreach (var (key, value) in metadata.GuestAttributes)
                {
                    _kept[key] = value;
                }

                await metadata.DisposeAsync();
            }
        }

        private void StartAgent(string agent)
        {
            var log = Path.Combine(owner.LogDir, $"{Name}.log");
            var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1");
            start.ArgumentList.Add("fake-vm");
            start.ArgumentList.Add(log);
            if (agent.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                start.ArgumentList.Add("dotnet");
            }

            start.ArgumentList.Add(agent);
            start.ArgumentList.Add("agent");

            // A VM's agent has no BURST_* variables: it must find everything in the metadata.
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("BURST_", StringComparison.Ordinal) || k == "TRACEPARENT").ToList())
            {
                start.Environment.Remove(key);
            }

            foreach (var (key, value) in owner.AgentEnvironment)
            {
                start.Environment[key] = value;
            }

            start.Environment["GCE_METADATA_HOST"] = _metadata!.Host;
            _process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {agent}");
            var process = _process;
            _ = Task.Run(async () =>
            {
                await process.WaitForExitAsync();

                // The startup script powers the VM off when the agent ends without deleting it.
                if (Status == "RUNNING")
                {
                    Status = "TERMINATED";
                    StatusMessage = $"the agent exited with code {process.ExitCode}";
                }
            });
        }

        private async Task PlayBuilderAsync()
        {
            var script = Metadata.GetValueOrDefault("startup-script") ?? "";
            var ok = script.Contains("libxgboost0", StringComparison.Ordinal) && Metadata.GetValueOrDefault("enable-guest-attributes") == "TRUE" && owner.BuilderOutcome == "done";
            await Task.Delay(500);
            _metadata?.GuestAttributes.TryAdd("burst/image-build", ok ? "done" : "failed");
            await Task.Delay(300);
            Status = "TERMINATED";
        }
    }
}
