using Burst.ControlPlane.Tests.Support;
using Burst.V1;
using CsCheck;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;

namespace Burst.ControlPlane.Tests.Security;

/// <summary>
/// Random and malformed SubmitJob requests through the real gRPC endpoint: each gets OK or a clear error
/// naming a field, the service stays up, and managed memory stays flat. Counts are bounded.
/// </summary>
public sealed class SpecFuzzTests : IAsyncLifetime
{
    private const int Specs = 400;
    private const int RawMessages = 300;

    private static readonly string[] Strings =
    [
        "", "x", "income", ">50K", "1", "-", "../../etc/passwd", "file:///etc/passwd", "file://", "file:///tmp/a.csv", "/tmp/a.csv",
        "bundled://census/adult.data", "bundled://../x", "bundled://", "gs://", "gs:///o", "gs://b/o", "https://example.com/a", "ftp://x/y",
        "s3://b/k", "local", "gce", "aws", "max_depth", "learning_rate", "n_estimators", "gamma", "reg_lambda", "\0", "é", "\u202e",
        new string('a', 300), new string('/', 3000), "C:\\Windows", "~/data.csv", "  ", "Team", "team", "a-b_c",
    ];

    private static readonly Method<byte[], byte[]> RawSubmit = new(
        MethodType.Unary, "burst.v1.JobService", "SubmitJob",
        Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

    private TestControlPlane _cp = null!;

    public async Task InitializeAsync() => _cp = await TestControlPlane.StartAsync(new FakeWorkerProvider { Behavior = _ => null });

    public async Task DisposeAsync() => await _cp.DisposeAsync();

    private static string Pick(Random r) => Strings[r.Next(Strings.Length)];

    private static int Int(Random r) => r.Next(8) switch
    {
        0 => int.MinValue,
        1 => int.MaxValue,
        2 => -1,
        3 => 0,
        _ => r.Next(-5, 120),
    };

    private static double Double(Random r) => r.Next(8) switch
    {
        0 => double.NaN,
        1 => double.PositiveInfinity,
        2 => -1,
        3 => double.MaxValue,
        _ => r.NextDouble() * 10,
    };

    private static Distribution RandomDistribution(Random r) => r.Next(6) switch
    {
        0 => new Distribution { IntRange = new IntRange { Low = Int(r), High = Int(r) } },
        5 when r.Next(2) == 0 => new Distribution { LogUniform = new LogUniform { Low = Double(r), High = Double(r) } },
        1 => new Distribution { Uniform = new Uniform { Low = Double(r), High = Double(r) } },
        2 => new Distribution { Choice = new Choice { Values = { Double(r), Double(r) } } },
        3 => new Distribution { Poisson = new Poisson { Mean = Double(r) } },
        4 => new Distribution { Exponential = new Exponential { Scale = Double(r) } },
        _ => new Distribution(),
    };

    /// <summary>A spec with every field drawn from values near the edges, any field possibly left out.</summary>
    private static JobSpec RandomSpec(int seed)
    {
        var r = new Random(seed);
        bool Maybe() => r.Next(3) == 0;
        var spec = new JobSpec();
        if (Maybe()) spec.DisplayName = Pick(r);
        if (Maybe()) spec.Labels[Pick(r)] = Pick(r);
        if (Maybe())
        {
            spec.Dataset = new Dataset { TrainUri = Pick(r), TestUri = Maybe() ? Pick(r) : "", Format = (DataFormat)r.Next(-1, 4), LabelColumn = Maybe() ? Pick(r) : "", PositiveLabel = Maybe() ? Pick(r) : "" };
        }

        if (Maybe())
        {
            var search = new Search
            {
                Strategy = (SearchStrategy)r.Next(-1, 6),
                Trials = Maybe() ? Int(r) : r.Next(0, 5),
                Folds = Maybe() ? Int(r) : r.Next(0, 5),
                Workers = Maybe() ? Int(r) : r.Next(0, 3),
                Threads = Maybe() ? Int(r) : 0,
                Seed = r.NextInt64(),
                Scoring = (V1.Scoring)r.Next(-1, 5),
                EarlyStoppingRounds = Maybe() ? Int(r) : 0,
                TpeStartupTrials = Maybe() ? Int(r) : 0,
                ContinueFrom = Maybe() ? Pick(r) : "",
            };
            for (var i = r.Next(3); i > 0; i--)
            {
                search.Space[Pick(r)] = RandomDistribution(r);
            }

            for (var i = r.Next(3); i > 0; i--)
            {
                var config = new ParamSet();
                config.Values[Pick(r)] = Double(r);
                search.Configs.Add(config);
            }

            spec.Search = search;
        }

        if (Maybe()) spec.Resources = new Resources { Provider = Pick(r), MachineType = Pick(r), Zones = { Pick(r) }, Spot = r.Next(2) == 0, ImageFamily = Pick(r), ContainerImage = Maybe() ? Pick(r) : "" };
        if (Maybe()) spec.Limits = new Limits { MaxRuntime = new Duration { Seconds = r.NextInt64(-10, 100_000), Nanos = r.Next(-5, 1_000_000_001) }, MaxCostUsd = Double(r), MaxRestarts = Int(r) };
        if (Maybe()) spec.Output = new Output { ModelUri = Pick(r) };
        return spec;
    }

    private static void AssertClearAnswer(RpcException e)
    {
        switch (e.StatusCode)
        {
            case StatusCode.InvalidArgument:
                var violations = e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations;
                Assert.True(violations is { Count: > 0 }, $"INVALID_ARGUMENT without field violations: {e.Status.Detail}");
                Assert.All(violations, v => Assert.False(string.IsNullOrEmpty(v.Field)));
                Assert.All(violations, v => Assert.True(v.Description.Length < 1000, v.Description));
                break;
            case StatusCode.FailedPrecondition:
                Assert.StartsWith("spec.", e.Status.Detail, StringComparison.Ordinal);
                break;
            default:
                Assert.Fail($"{e.StatusCode}: {e.Status.Detail}");
                break;
        }
    }

    [Fact]
    public async Task Random_specs_get_ok_or_a_field_violation_and_the_service_stays_up_with_flat_memory()
    {
        var accepted = 0;
        void SubmitOne(int seed)
        {
            try
            {
                _cp.Jobs.SubmitJob(new SubmitJobRequest { Spec = RandomSpec(seed) });
                accepted++;
            }
            catch (RpcException e)
            {
                AssertClearAnswer(e);
            }
        }

        Gen.Int.Sample(SubmitOne, iter: Specs / 4, threads: 1);
        var before = Managed();
        Gen.Int.Sample(SubmitOne, iter: Specs, threads: 1);
        var after = Managed();
        var health = await new Health.HealthClient(_cp.Channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.InRange(accepted, 1, Specs + (Specs / 4));
        // Generous: what matters is that it does not grow with the number of calls (400 would show as many MB).
        Assert.True(after - before < 64L * 1024 * 1024, $"managed memory grew by {(after - before) / 1024} KiB over {Specs} calls");
    }

    [Fact]
    public async Task Malformed_request_bytes_get_a_clear_error_and_the_service_stays_up()
    {
        var invoker = _cp.Channel.CreateCallInvoker();
        var answers = new Dictionary<StatusCode, int>();
        Gen.Byte.Array[0, 512].Sample(bytes =>
        {
            try
            {
                invoker.BlockingUnaryCall(RawSubmit, null, new CallOptions(), bytes);
                answers[StatusCode.OK] = answers.GetValueOrDefault(StatusCode.OK) + 1;
            }
            catch (RpcException e)
            {
                // Bytes that are not a SubmitJobRequest at all cannot name a field: grpc-dotnet fails to decode them
                // before any handler or interceptor runs and answers UNKNOWN ("Exception was thrown by handler").
                Assert.True(e.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.Unknown, $"{e.StatusCode}: {e.Status.Detail}");
                if (e.StatusCode != StatusCode.Unknown)
                {
                    AssertClearAnswer(e);
                }

                answers[e.StatusCode] = answers.GetValueOrDefault(e.StatusCode) + 1;
            }
        }, iter: RawMessages, threads: 1);
        var health = await new Health.HealthClient(_cp.Channel).CheckAsync(new HealthCheckRequest());
        var empty = await _cp.Jobs.SubmitJobAsync(new SubmitJobRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Equal(JobState.Queued, empty.State);
        Assert.Equal(RawMessages, answers.Values.Sum());
    }

    private static long Managed()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
