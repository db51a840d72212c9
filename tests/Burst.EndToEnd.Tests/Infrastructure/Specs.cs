using Burst.V1;

namespace Burst.EndToEnd.Tests.Infrastructure;

internal static class Specs
{
    /// <summary>A quick census search: a few sampled configs, 3 folds.</summary>
    public static JobSpec QuickCensus(int trials = 6) => new()
    {
        DisplayName = "e2e quick census",
        Search = new Search { Trials = trials, Folds = 3, Seed = 7 },
    };

    /// <summary>
    /// A census search slow enough to interrupt: deep trees and many rounds, one XGBoost
    /// thread and one trial at a time, so that trials finish one by one over several seconds.
    /// </summary>
    public static JobSpec SlowCensus(int configs = 8)
    {
        var search = new Search { Strategy = SearchStrategy.Explicit, Folds = 3, Threads = 1 };
        for (var i = 0; i < configs; i++)
        {
            var config = new ParamSet();
            config.Values.Add("max_depth", 7);
            config.Values.Add("learning_rate", 0.05 + (0.01 * i));
            config.Values.Add("n_estimators", 250);
            search.Configs.Add(config);
        }

        return new JobSpec { DisplayName = "e2e slow census", Search = search };
    }
}
