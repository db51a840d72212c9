#!/usr/bin/env bash
# Trainer benchmark: `burst-agent train` against the seed's Python pipeline and the bare XGBoost
# floor, on the same trials, in one run on this machine. Figures are printed, never asserted.
#
#   bench/run-trainer-bench.sh            # everything once
#   REPEAT=3 bench/run-trainer-bench.sh   # three rounds, medians reported
#
# Needs: the .NET SDK, libxgboost0, and /usr/bin/python3 with python3-xgboost, -sklearn, -pandas.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${BURST_SHARED:-$ROOT/../shared}"
BENCH="$(cd "$SHARED/bench" && pwd)"
DATA="${DATA_DIR:-$ROOT/data/census}"
PYTHON="${PYTHON:-/usr/bin/python3}"
FOLDS="${FOLDS:-3}"
REPEAT="${REPEAT:-1}"
CORES="$(nproc)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "== building burst-agent (Release)"
dotnet build -c Release "$ROOT/services/Burst.TrainerAgent" -o "$WORK/agent" -v quiet -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
AGENT="$WORK/agent/burst-agent"

# Runs a command, keeps its last stdout line (the JSON summary) and its peak RSS in one JSON line.
measure() {
  local name="$1"; shift
  "$PYTHON" "$ROOT/bench/measure.py" "$name" "$@" >>"$WORK/results.jsonl"
  tail -n 1 "$WORK/results.jsonl"
}

for round in $(seq 1 "$REPEAT"); do
  echo "== round $round of $REPEAT ($CORES cores, $FOLDS folds)"
  measure burst_20 "$AGENT" train --census-data-path "$DATA" --configs "$BENCH/census-configs-20.json" --folds "$FOLDS" --json --model-output-path "$WORK/model20"
  (cd "$BENCH" && measure seed_pipeline "$PYTHON" seed_pipeline.py "$DATA" census-configs-20.json "$FOLDS" 1 2)
  (cd "$BENCH" && measure floor_nthread2 "$PYTHON" native_floor.py "$DATA" census-configs-20.json "$FOLDS" 2)
  (cd "$BENCH" && measure floor_nthread1 "$PYTHON" native_floor.py "$DATA" census-configs-20.json "$FOLDS" 1)
  measure burst_100_full "$AGENT" train --census-data-path "$DATA" --configs "$BENCH/census-configs-100.json" --folds "$FOLDS" --json --model-output-path "$WORK/model100"
  measure burst_100_halving "$AGENT" train --census-data-path "$DATA" --configs "$BENCH/census-configs-100.json" --strategy successive_halving --folds "$FOLDS" --json --model-output-path "$WORK/model100sh"
done

echo
"$PYTHON" "$ROOT/bench/report.py" "$WORK/results.jsonl" "$CORES"
