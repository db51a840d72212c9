namespace Burst.TrainerAgent.Train;

internal static class TrainHelp
{
    public const string Text = """
        usage: burst-agent train [flags]
          --census-data-path DIR     folder with adult.data and adult.test (default: the bundled copy)
          --train-uri U --test-uri U a CSV (or census) training and test file instead (paths, file://; .gz read as is)
          --format census|csv        layout of --train-uri files (default csv)
          --label-column C           CSV label column (default: the last)
          --positive-label V         CSV value of the positive class (default: 1/true/yes, else the greater of two)
          --model-output-path DIR    model folder to write: model.json + burst-model.json (default ./model)
          --cv-iterations N          configs to sample from the seed's space (default 10)
          --configs FILE             explicit configs, a JSON array of {name: number} (shared/bench format)
          --space FILE               search space in Search.space's JSON form (shared/bench/wide-space.json; default: the seed's)
          --strategy random|successive_halving|explicit|tpe   (default: explicit with --configs, else random)
          --tpe-startup-trials N     tpe: random trials before the estimator takes over (default 10)
          --parallel-trials N        tpe: trials in flight at once, each decided when a slot frees (default 1)
          --early-stopping-rounds N  stop each fold when its held-out score has not improved for N rounds (default 0: off)
          --folds K                  stratified cross-validation folds (default 3)
          --seed S                   sampling and XGBoost seed (default 0)
          --scoring accuracy|roc_auc|log_loss   (default accuracy)
          --threads N                cores to use (default: all)
          --json                     end with one JSON line instead of the closing text lines
        """;
}
