using System.Diagnostics;
using System.Threading.Channels;
using Burst.Training;
using Burst.Training.Search;
using Burst.Training.Storage;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using static Burst.Contracts.SearchMapping;

namespace Burst.TrainerAgent.Agent;

/// <summary>
/// The training side of an agent: loads the data once, builds each fold's matrices once,
/// runs the trials the control plane hands over, and refits the best config. It outlives
/// connections: a dropped stream does not stop the work, whose reports wait in the outbox.
/// Trials come on demand (PROTOCOL.md, 2): the agent holds at most its slots plus
/// <see cref="Prefetch"/>, and asks for more (a WorkRequest) whenever a slot frees with nothing
/// queued to take it. Its spans (load, each trial, refit, upload, result) hang under <paramref name="trace"/>.
/// </summary>
public sealed class JobWork(AgentSettings settings, ReportOutbox outbox, IObjectStore store, ILogger logger, ActivityContext trace = default) : IAsyncDisposable
{
    /// <summary>Trials queued beyond the running slots, so a freed slot never waits for a round trip.</summary>
    public const int Prefetch = 1;

    private readonly Channel<Func<Task>> _commands = Channel.CreateUnbounded<Func<Task>>();
    private readonly Channel<TrialSpec> _trials = Channel.CreateUnbounded<TrialSpec>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<(int TrialId, int Rung)> _received = [];
    private readonly Lock _holding = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _sinceAssignment = new();
    private Task? _loop;
    private JobSpec? _spec;
    private LoadedDataset? _data;
    private CrossValidator? _validator;
    private Parallelism _parallelism = new(1, 1);
    private int _slots = 1;
    private int _held;
    private volatile bool _failed;
    private volatile bool _refitStarted;
    private ResultSpan? _result;

    /// <summary>Completes when the work loop ends (after a cancel, or when disposed).</summary>
    public Task Completion => _loop ?? Task.CompletedTask;

    /// <summary>Trials this agent runs at once: enough that their folds fill the fits the cores take.</summary>
    public int Slots => _slots;

    /// <summary>Starts the work loop on the first assignment; later ones (reconnects) change nothing.</summary>
    public void Start(Assignment assignment)
    {
        if (_loop is not null)
        {
            return;
        }

        _spec = assignment.Spec;
        _sinceAssignment.Start();

        // Fits, not trials, share the cores: a search of fewer trials than cores still runs trials×folds fits at once.
        var folds = Folds(_spec);
        _parallelism = Parallelism.For(settings.Cores, Math.Max(1, assignment.TotalTrials) * folds, _spec.Search.Threads);
        _slots = Math.Max(1, (_parallelism.Concurrency + folds - 1) / folds);

        // The loop outlives the connection that started it: it must not run inside that connection's span.
        var current = Activity.Current;
        Activity.Current = null;
        try
        {
            _loop = Task.Run(() => LoopAsync(_stop.Token));
        }
        finally
        {
            Activity.Current = current;
        }
    }

    /// <summary>Queues the trials not seen before; after a reconnect the control plane hands over what this worker holds again.</summary>
    public void Enqueue(RunTrials batch)
    {
        List<TrialToRun> fresh;
        lock (_holding)
        {
            fresh = batch.Trials.Where(t => _received.Add((t.TrialId, t.Rung))).ToList();
            _held += fresh.Count;
        }

        foreach (var trial in fresh)
        {
            _trials.Writer.TryWrite(ToTrialSpec(trial));
        }

        if (fresh.Count == 0)
        {
            // Everything in the batch is done or under way: say what is free, so that the control plane moves on.
            RequestWork(onlyIfFree: true);
        }
    }

    /// <summary>
    /// Tells the control plane how many slots are free and how many trials this agent holds; sent at
    /// every Assignment (the first one announces the slot count) and when a slot frees.
    /// </summary>
    public void RequestWork(bool onlyIfFree = false)
    {
        if (_refitStarted || _failed)
        {
            return;
        }

        int held;
        lock (_holding)
        {
            held = _held;
        }

        var free = Math.Max(0, _slots - held);
        if (onlyIfFree && free == 0)
        {
            return;
        }

        outbox.Add(new Report { WorkRequest = new WorkRequest { FreeSlots = free, Held = held } });
    }

    public void StartRefit(V1.Refit refit)
    {
        if (_refitStarted)
        {
            return;
        }

        _refitStarted = true;
        _commands.Writer.TryWrite(() => RefitAsync(refit, _stop.Token));
    }

    public void Cancel() => _stop.Cancel();

    public async ValueTask DisposeAsync()
    {
        _commands.Writer.TryComplete();
        _trials.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _validator?.Dispose();
        _result?.Dispose();
        _stop.Dispose();
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        try
        {
            await EnsureLoadedAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            Fail(e);
            return;
        }

        // Trials run as they arrive, beside the commands (the refit comes once every trial is committed).
        var search = SearchAsync(ct);
        await foreach (var command in _commands.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            if (_failed)
            {
                continue;
            }

            try
            {
                await command().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Fail(e);
            }
        }

        _trials.Writer.TryComplete();
        await search.ConfigureAwait(false);
    }

    private async Task SearchAsync(CancellationToken ct)
    {
        try
        {
            await _validator!.RunStreamAsync(_trials.Reader, _parallelism, OnTrialAsync, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    private async Task EnsureLoadedAsync(CancellationToken ct)
    {
        if (_data is not null)
        {
            return;
        }

        var spec = _spec!;
        var dataset = ToDatasetSpec(spec.Dataset);
        using var span = AgentTelemetry.Span("burst.agent.load_data", trace, settings);
        span.Span?.SetTag("burst.dataset.train_uri", dataset.TrainUri);
        Log("info", $"loading {dataset.TrainUri}" + (dataset.TestUri is null ? "" : $" and {dataset.TestUri}"));
        _data = await DatasetLoader.LoadAsync(dataset, store, ct).ConfigureAwait(false);
        AgentLog.DataLoaded(logger, _data.Train.Rows, _data.Train.Columns, dataset.TrainUri);
        Log("info", $"loaded {_data.Train.Rows} training rows with {_data.Train.Columns} features; building {Folds(spec)} folds");
        _validator = CrossValidator.Create(_data.Train, Folds(spec), spec.Search.Seed, ToScoring(spec.Search.Scoring), threads: settings.Cores);

        // Successive halving promotes survivors to more rounds: continuing their fold models from
        // the last rung costs only the new rounds (when the survivor comes back to this worker).
        _validator.ContinueTrials = spec.Search.Strategy == SearchStrategy.SuccessiveHalving;
        _validator.EarlyStoppingRounds = spec.Search.EarlyStoppingRounds;
    }

    private ValueTask OnTrialAsync(TrialOutcome outcome)
    {
        // Trials run side by side on worker threads; each span is laid down as it ends, over the time it took.
        using (var span = AgentTelemetry.Span("burst.agent.trial", trace, settings, startTime: DateTimeOffset.UtcNow - outcome.Duration))
        {
            span.Span?.SetTag("burst.trial.id", outcome.Trial.TrialId);
            span.Span?.SetTag("burst.trial.rung", outcome.Trial.Rung);
            span.Span?.SetTag("burst.trial.rounds", outcome.Trial.Rounds);
            span.Span?.SetTag("burst.trial.mean_score", outcome.MeanScore);
            AgentLog.TrialDone(logger, outcome.Trial.TrialId, outcome.Trial.Rung, outcome.MeanScore, outcome.Duration);
        }

        outbox.Add(new Report { Trial = ToTrialResult(outcome, settings.WorkerId) });
        lock (_holding)
        {
            _held--;
        }

        // A prefetched trial took the freed slot if there was one; otherwise ask for the next.
        RequestWork(onlyIfFree: true);
        return ValueTask.CompletedTask;
    }

    private async Task RefitAsync(V1.Refit refit, CancellationToken ct)
    {
        var spec = _spec!;
        var best = ToTrialSpec(refit.Best);
        outbox.Add(new Report { Progress = new Progress { Phase = "refit", BestParams = refit.Best.Params, BestScore = refit.CvBest } });
        var threads = spec.Search.Threads > 0 ? spec.Search.Threads : Environment.ProcessorCount;
        TrainedModel model;
        Training.Metrics? metrics;
        using (var refitSpan = AgentTelemetry.Span("burst.agent.refit", trace, settings))
        {
            refitSpan.Span?.SetTag("burst.trial.id", best.TrialId);
            refitSpan.Span?.SetTag("burst.trial.rounds", best.Rounds);
            model = await Task.Run(() => Training.Refit.Run(_data!.Train, best, threads, ct), ct).ConfigureAwait(false);
            metrics = _data!.Test is { } test ? model.Evaluate(test) : null;
            if (metrics is not null)
            {
                refitSpan.Span?.SetTag("burst.test.accuracy", metrics.Accuracy);
            }
        }

        using var disposeModel = model;
        var folder = string.IsNullOrEmpty(refit.ModelUri) ? spec.Output.ModelUri : refit.ModelUri;
        outbox.Add(new Report { Progress = new Progress { Phase = "upload", BestParams = refit.Best.Params, BestScore = refit.CvBest } });
        var dataset = ToDatasetSpec(spec.Dataset);
        var manifest = new BundleManifest(
            _data.Encoding,
            best.Params,
            model.Rounds,
            new CrossValidationSummary(ToStrategy(spec.Search.Strategy), ToScoring(spec.Search.Scoring), Folds(spec), refit.Trials, refit.CvBest)
            {
                EarlyStoppingRounds = spec.Search.EarlyStoppingRounds,
                BestFoldRounds = refit.BestFoldRounds.Count > 0 ? refit.BestFoldRounds.ToArray() : null,
            },
            metrics,
            new DataProvenance(dataset.TrainUri, _data.TrainSha256, dataset.TestUri, _data.TestSha256),
            BundleManifest.CurrentVersions(),
            DateTimeOffset.UtcNow)
        {
            JobChain = refit.JobChain.Count > 0 ? refit.JobChain.ToArray() : null,
        };
        using (var upload = AgentTelemetry.Span("burst.agent.upload", trace, settings))
        {
            upload.Span?.SetTag("burst.model_uri", folder);
            await ModelBundle.SaveAsync(store, folder, model, manifest, ct).ConfigureAwait(false);
            AgentLog.ModelWritten(logger, folder, metrics?.Accuracy ?? double.NaN);
        }

        var result = new JobResult
        {
            BestParams = refit.Best.Params,
            CvBest = refit.CvBest,
            ModelUri = folder,
            Trials = refit.Trials,
            Fits = refit.Fits + 1,
            BestTrialId = refit.Best.TrialId,
            RefitRounds = model.Rounds,
            JobChain = { refit.JobChain },
            // This worker's time from its assignment to the result: the search and the refit.
            SearchDuration = Duration.FromTimeSpan(_sinceAssignment.Elapsed),
        };
        if (metrics is not null)
        {
            result.TestMetrics = ToMetrics(metrics);
        }

        // The result span lasts until the control plane acks the result: then it is committed and the job is done.
        _result = new ResultSpan(outbox, AgentTelemetry.Span("burst.agent.result", trace, settings));
        _result.Sent(outbox.Add(new Report { Result = result }));
    }

    /// <summary>A span ended by the ack of one report, wherever that ack arrives.</summary>
    private sealed class ResultSpan(ReportOutbox outbox, ServiceDefaults.SpanScope span) : IDisposable
    {
        private long _sequence = long.MaxValue;
        private int _ended;

        public void Sent(long sequence)
        {
            Interlocked.Exchange(ref _sequence, sequence);
            outbox.Acked += OnAcked;
            if (outbox.LastAcked >= sequence)
            {
                Dispose();
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                outbox.Acked -= OnAcked;
                span.Dispose();
            }
        }

        private void OnAcked(long sequence)
        {
            if (sequence >= Interlocked.Read(ref _sequence))
            {
                // Ended from the connection's read loop: keep that loop's current span as it was.
                var current = Activity.Current;
                Dispose();
                Activity.Current = current;
            }
        }
    }

    private void Fail(Exception e)
    {
        _failed = true;
        AgentLog.WorkFailed(logger, e.Message, e);
        var reason = e switch
        {
            DataFormatException => "DATA_INVALID",
            FileNotFoundException or DirectoryNotFoundException => "DATA_NOT_FOUND",
            ArgumentException => "SPEC_INVALID",
            _ => "TRAINING_ERROR",
        };
        outbox.Add(new Report { Failure = new AgentFailure { Reason = reason, Message = e.Message } });
    }

    private void Log(string level, string message) =>
        outbox.Add(new Report { Log = new LogLine { WorkerId = settings.WorkerId, Level = level, Message = message } });

    private static int Folds(JobSpec spec) => SearchDefaults.FoldsOr(spec.Search.Folds);
}
