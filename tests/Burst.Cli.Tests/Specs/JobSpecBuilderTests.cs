using Burst.Cli.Specs;
using Burst.Cli.Tests.Support;
using Burst.V1;

namespace Burst.Cli.Tests.Specs;

public sealed class JobSpecBuilderTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void No_spec_file_and_no_flags_give_an_empty_spec_for_the_server_to_fill()
    {
        var spec = JobSpecBuilder.Build(new SubmitFlags());

        Assert.Equal(new JobSpec(), spec);
    }

    [Fact]
    public void Every_flag_sets_the_field_it_names()
    {
        var spec = JobSpecBuilder.Build(new SubmitFlags
        {
            Name = "adult",
            Labels = ["team=ml", "env=dev"],
            TrainUri = "gs://bucket/train.csv",
            TestUri = "gs://bucket/test.csv",
            Format = "csv",
            LabelColumn = "income",
            PositiveLabel = ">50K",
            Strategy = "successive_halving",
            Trials = 40,
            Folds = 5,
            Seed = 7,
            Scoring = "roc_auc",
            Workers = 3,
            Threads = 8,
            Provider = "gce",
            MachineType = "c3-highcpu-44",
            Zones = ["europe-west4-a", "europe-west4-b"],
            Spot = true,
            MaxRuntime = "30m",
            MaxCostUsd = 1.5,
            MaxRestarts = 4,
            ModelUri = "gs://bucket/models/adult",
        });

        Assert.Equal("adult", spec.DisplayName);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "ml", ["env"] = "dev" }, spec.Labels);
        Assert.Equal(
            new Dataset
            {
                TrainUri = "gs://bucket/train.csv",
                TestUri = "gs://bucket/test.csv",
                Format = DataFormat.Csv,
                LabelColumn = "income",
                PositiveLabel = ">50K",
            },
            spec.Dataset);
        Assert.Equal(
            new Search { Strategy = SearchStrategy.SuccessiveHalving, Trials = 40, Folds = 5, Seed = 7, Scoring = Scoring.RocAuc, Workers = 3, Threads = 8 },
            spec.Search);
        Assert.Equal(
            new Resources { Provider = "gce", MachineType = "c3-highcpu-44", Zones = { "europe-west4-a", "europe-west4-b" }, Spot = true },
            spec.Resources);
        Assert.Equal(TimeSpan.FromMinutes(30), spec.Limits.MaxRuntime.ToTimeSpan());
        Assert.Equal(1.5, spec.Limits.MaxCostUsd);
        Assert.Equal(4, spec.Limits.MaxRestarts);
        Assert.Equal("gs://bucket/models/adult", spec.Output.ModelUri);
    }

    [Fact]
    public void A_spec_file_is_read_as_proto3_json()
    {
        var path = _files.Write("spec.json", """
            {
              "displayName": "from file",
              "dataset": { "format": "DATA_FORMAT_CENSUS" },
              "search": { "trials": 12, "seed": "3", "space": { "max_depth": { "intRange": { "low": "3", "high": "7" } } } },
              "limits": { "maxRuntime": "600s" }
            }
            """);

        var spec = JobSpecBuilder.Build(new SubmitFlags { SpecFile = path });

        Assert.Equal("from file", spec.DisplayName);
        Assert.Equal(DataFormat.Census, spec.Dataset.Format);
        Assert.Equal(12, spec.Search.Trials);
        Assert.Equal(3, spec.Search.Seed);
        Assert.Equal(7, spec.Search.Space["max_depth"].IntRange.High);
        Assert.Equal(TimeSpan.FromMinutes(10), spec.Limits.MaxRuntime.ToTimeSpan());
    }

    [Fact]
    public void Flags_override_the_spec_file_and_leave_its_other_fields_alone()
    {
        var path = _files.Write("spec.json", """
            {
              "displayName": "from file",
              "labels": { "team": "ml", "env": "prod" },
              "search": { "trials": 12, "folds": 4 },
              "resources": { "provider": "gce", "zones": ["us-central1-a"], "spot": true }
            }
            """);

        var spec = JobSpecBuilder.Build(new SubmitFlags
        {
            SpecFile = path,
            Trials = 30,
            Labels = ["env=dev"],
            Zones = ["europe-west4-a"],
            Spot = false,
        });

        Assert.Equal("from file", spec.DisplayName);
        Assert.Equal(30, spec.Search.Trials);
        Assert.Equal(4, spec.Search.Folds);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "ml", ["env"] = "dev" }, spec.Labels);
        Assert.Equal(["europe-west4-a"], spec.Resources.Zones);
        Assert.False(spec.Resources.Spot);
        Assert.Equal("gce", spec.Resources.Provider);
    }

    [Fact]
    public void A_configs_file_becomes_the_explicit_strategy_with_those_configs_in_order()
    {
        var path = _files.Write("configs.json", """
            [
             { "gamma": 0.0007958745, "learning_rate": 0.01, "max_depth": 6, "n_estimators": 112, "reg_lambda": 0.0009770064 },
             { "gamma": 0.0004851282, "learning_rate": 0.07, "max_depth": 3, "n_estimators": 127, "reg_lambda": 0.0015688961 }
            ]
            """);

        var spec = JobSpecBuilder.Build(new SubmitFlags { ConfigsFile = path });

        Assert.Equal(SearchStrategy.Explicit, spec.Search.Strategy);
        Assert.Equal(2, spec.Search.Configs.Count);
        Assert.Equal(6, spec.Search.Configs[0].Values["max_depth"]);
        Assert.Equal(0.0007958745, spec.Search.Configs[0].Values["gamma"]);
        Assert.Equal(127, spec.Search.Configs[1].Values["n_estimators"]);
    }

    [Fact]
    public void A_configs_file_with_another_strategy_is_refused_naming_both_flags()
    {
        var path = _files.Write("configs.json", """[{ "max_depth": 4 }]""");

        var error = Assert.Throws<CliUsageException>(() =>
            JobSpecBuilder.Build(new SubmitFlags { ConfigsFile = path, Strategy = "random" }));

        Assert.Contains("--configs", error.Message);
        Assert.Contains("--strategy random", error.Message);
    }

    [Theory]
    [InlineData("census", DataFormat.Census)]
    [InlineData("CSV", DataFormat.Csv)]
    [InlineData("DATA_FORMAT_CSV", DataFormat.Csv)]
    public void Formats_are_read_by_short_or_proto_name(string value, DataFormat expected)
    {
        var spec = JobSpecBuilder.Build(new SubmitFlags { Format = value });

        Assert.Equal(expected, spec.Dataset.Format);
    }

    [Theory]
    [InlineData("successive-halving", SearchStrategy.SuccessiveHalving)]
    [InlineData("SEARCH_STRATEGY_RANDOM", SearchStrategy.Random)]
    [InlineData("explicit", SearchStrategy.Explicit)]
    public void Strategies_are_read_by_short_or_proto_name(string value, SearchStrategy expected)
    {
        var spec = JobSpecBuilder.Build(new SubmitFlags { Strategy = value });

        Assert.Equal(expected, spec.Search.Strategy);
    }

    [Theory]
    [InlineData("--format", "parquet", "census, csv")]
    [InlineData("--strategy", "grid", "random, successive_halving, explicit")]
    [InlineData("--scoring", "f1", "accuracy, roc_auc, log_loss")]
    [InlineData("--provider", "aws", "local, gce")]
    [InlineData("--max-runtime", "soon", "90s, 30m, 1h")]
    [InlineData("--max-runtime", "0s", "longer than zero")]
    [InlineData("--label", "novalue", "KEY=VALUE")]
    public void A_bad_value_is_refused_naming_the_flag_the_value_and_what_would_do(string flag, string value, string hint)
    {
        var flags = flag switch
        {
            "--format" => new SubmitFlags { Format = value },
            "--strategy" => new SubmitFlags { Strategy = value },
            "--scoring" => new SubmitFlags { Scoring = value },
            "--provider" => new SubmitFlags { Provider = value },
            "--max-runtime" => new SubmitFlags { MaxRuntime = value },
            "--label" => new SubmitFlags { Labels = [value] },
            _ => throw new ArgumentOutOfRangeException(nameof(flag)),
        };

        var error = Assert.Throws<CliUsageException>(() => JobSpecBuilder.Build(flags));

        Assert.StartsWith(flag, error.Message);
        Assert.Contains($"'{value}'", error.Message);
        Assert.Contains(hint, error.Message);
    }

    [Fact]
    public void A_spec_file_with_an_unknown_field_is_refused_naming_the_file_and_the_field()
    {
        var path = _files.Write("spec.json", """{ "search": { "trails": 5 } }""");

        var error = Assert.Throws<CliUsageException>(() => JobSpecBuilder.Build(new SubmitFlags { SpecFile = path }));

        Assert.Contains($"--spec {path}", error.Message);
        Assert.Contains("trails", error.Message);
    }

    [Fact]
    public void A_spec_file_that_is_not_json_is_refused_naming_the_file()
    {
        var path = _files.Write("spec.json", "{ display_name: ");

        var error = Assert.Throws<CliUsageException>(() => JobSpecBuilder.Build(new SubmitFlags { SpecFile = path }));

        Assert.Contains($"--spec {path}", error.Message);
        Assert.Contains("proto3 JSON", error.Message);
    }

    [Fact]
    public void A_missing_spec_file_is_refused_naming_the_file()
    {
        var path = _files.PathOf("missing.json");

        var error = Assert.Throws<CliUsageException>(() => JobSpecBuilder.Build(new SubmitFlags { SpecFile = path }));

        Assert.Contains($"--spec {path}", error.Message);
    }
}
