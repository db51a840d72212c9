#!/usr/bin/env bash
# Search quality: our random search against our TPE, Optuna's samplers beside them, TPE with two
# trials in flight against one, and early stopping against none, on census with the wide space
# (shared/bench/wide-space.json). Figures are printed, never asserted.
#
#   bench/search-quality.sh                                  # budget 40, seeds 0-4, 3 folds
#   bench/search-quality.sh --trials 20 --seeds 2 --no-optuna
#
# Needs: the .NET SDK, libxgboost0, and for the Optuna columns /usr/bin/python3 with
# python3-optuna, python3-xgboost, python3-sklearn, python3-pandas.
set -euo pipefail

TRIALS=40
SEEDS=5
FOLDS=3
PATIENCE=20
OPTUNA=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --trials) TRIALS="$2"; shift 2 ;;
    --seeds) SEEDS="$2"; shift 2 ;;
    --folds) FOLDS="$2"; shift 2 ;;
    --early-stopping-rounds) PATIENCE="$2"; shift 2 ;;
    --no-optuna) OPTUNA=0; shift ;;
    -h|--help) sed -n 2,10p "$0"; exit 0 ;;
    *) echo "search-quality.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${BURST_SHARED:-$ROOT/../shared}"
BENCH="$(cd "$SHARED/bench" && pwd)"
DATA="${DATA_DIR:-$ROOT/data/census}"
PYTHON="${PYTHON:-/usr/bin/python3}"
SPACE="$BENCH/wide-space.json"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "== building burst-agent (Release)"
dotnet build -c Release "$ROOT/services/Burst.TrainerAgent" -o "$WORK/agent" -v quiet -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
AGENT="$WORK/agent/burst-agent"

# One search; its JSON summary goes to results.jsonl tagged with the run's name and seed.
search() {
  local name="$1" seed="$2"; shift 2
  "$PYTHON" "$ROOT/bench/measure.py" "$name" "$AGENT" train --census-data-path "$DATA" --space "$SPACE" \
      --cv-iterations "$TRIALS" --folds "$FOLDS" --seed "$seed" --scoring accuracy --json \
      --model-output-path "$WORK/model-$name-$seed" "$@" \
    | "$PYTHON" -c 'import json,sys; d=json.loads(sys.stdin.read()); d["seed"]=int(sys.argv[1]); print(json.dumps(d))' "$seed" \
    | tee -a "$WORK/results.jsonl" \
    | "$PYTHON" -c 'import json,sys; d=json.loads(sys.stdin.read()); print("%-12s seed %d: cv_best %.5f  boosting_rounds %d  %.1fs" % (d["run"], d["seed"], d["cv_best"], d["boosting_rounds"], d["search_s"]))'
}

echo "== our searches: $TRIALS trials, seeds 0-$((SEEDS - 1)), $FOLDS folds, accuracy ($(nproc) cores)"
for seed in $(seq 0 $((SEEDS - 1))); do
  search random "$seed" --strategy random
  search tpe "$seed" --strategy tpe
  search tpe_2slots "$seed" --strategy tpe --parallel-trials 2
  search random_es "$seed" --strategy random --early-stopping-rounds "$PATIENCE"
done

: >"$WORK/optuna.txt"
if [[ "$OPTUNA" == 1 ]]; then
  echo "== Optuna (optuna_tpe.py, $TRIALS trials, $SEEDS seeds)"
  (cd "$BENCH" && "$PYTHON" optuna_tpe.py "$DATA" "$SEEDS" "$TRIALS" 2 "$FOLDS" accuracy) | tee "$WORK/optuna.txt"
fi

echo
"$PYTHON" "$ROOT/bench/search_quality_report.py" "$WORK/results.jsonl" "$WORK/optuna.txt" "$TRIALS" "$PATIENCE"
