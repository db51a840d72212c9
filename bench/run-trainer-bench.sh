#!/usr/bin/env bash
# Trainer benchmark: `burst-agent train` against the seed's Python pipeline and the bare XGBoost
# floor, on the same trials, on this machine. Figures are printed, never asserted.
#
#   bench/run-trainer-bench.sh            # three interleaved rounds, medians reported
#   REPEAT=5 bench/run-trainer-bench.sh   # more rounds
#   QUICK=1 bench/run-trainer-bench.sh    # only the 20-config runs (no census-configs-100)
#
# The machine's speed drifts from minute to minute (a shared 2-core box ran the single-thread
# floor at 9.3 to 11 fits/s in one hour), so no figure is read from one run: every round runs
# every command once, each round in another order, and the report takes medians. The ratio
# against the ideal (floor x cores) is taken per round, from runs minutes apart, then medianed.
#
# Needs: the .NET SDK, libxgboost0, and /usr/bin/python3 with python3-xgboost, -sklearn, -pandas.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${BURST_SHARED:-$ROOT/../shared}"
BENCH="$(cd "$SHARED/bench" && pwd)"
DATA="${DATA_DIR:-$ROOT/data/census}"
PYTHON="${PYTHON:-/usr/bin/python3}"
FOLDS="${FOLDS:-3}"
REPEAT="${REPEAT:-3}"
QUICK="${QUICK:-0}"
CORES="$(nproc)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "== building burst-agent (Release)"
dotnet build -c Release "$ROOT/services/Burst.TrainerAgent" -o "$WORK/agent" -v quiet -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
AGENT="$WORK/agent/burst-agent"

# Runs a command, keeps its last stdout line (the JSON summary) with the round and its peak RSS.
measure() {
  local name="$1"; shift
  "$PYTHON" "$ROOT/bench/measure.py" "$name" "$@" | "$PYTHON" -c "import json,sys; r=json.loads(sys.stdin.read()); r['round']=$ROUND; print(json.dumps(r))" >>"$WORK/results.jsonl"
  tail -n 1 "$WORK/results.jsonl" | cut -c1-200
}

run() {
  case "$1" in
    burst_20) measure burst_20 "$AGENT" train --census-data-path "$DATA" --configs "$BENCH/census-configs-20.json" --folds "$FOLDS" --json --model-output-path "$WORK/model20" ;;
    # The per-fit overhead: the same work on one core and one thread, against floor_nthread1.
    burst_20_1core) measure burst_20_1core taskset -c 0 "$AGENT" train --census-data-path "$DATA" --configs "$BENCH/census-configs-20.json" --folds "$FOLDS" --threads 1 --json --model-output-path "$WORK/model20b" ;;
    seed_pipeline) (cd "$BENCH" && measure seed_pipeline "$PYTHON" seed_pipeline.py "$DATA" census-configs-20.json "$FOLDS" 1 2) ;;
    floor_nthread2) (cd "$BENCH" && measure floor_nthread2 "$PYTHON" native_floor.py "$DATA" census-configs-20.json "$FOLDS" 2) ;;
    floor_nthread1) (cd "$BENCH" && measure floor_nthread1 taskset -c 0 "$PYTHON" native_floor.py "$DATA" census-configs-20.json "$FOLDS" 1) ;;
    burst_100_full) measure burst_100_full "$AGENT" train --census-data-path "$DATA" --configs "$BENCH/census-configs-100.json" --folds "$FOLDS" --json --model-output-path "$WORK/model100" ;;
    burst_100_halving) measure burst_100_halving "$AGENT" train --census-data-path "$DATA" --configs "$BENCH/census-configs-100.json" --strategy successive_halving --folds "$FOLDS" --json --model-output-path "$WORK/model100sh" ;;
  esac
}

RUNS=(floor_nthread1 burst_20 seed_pipeline burst_20_1core floor_nthread2)
if [ "$QUICK" != 1 ]; then RUNS+=(burst_100_full burst_100_halving); fi

# One untimed warm-up of each side, so that the first timed run does not pay for cold caches.
ROUND=0
run burst_20 >/dev/null
run floor_nthread1 >/dev/null
: >"$WORK/results.jsonl"

for ROUND in $(seq 1 "$REPEAT"); do
  # Rotate the order each round: no command always runs first, or right after the same neighbour.
  n=${#RUNS[@]}
  shift_by=$(( (ROUND - 1) % n ))
  order=("${RUNS[@]:$shift_by}" "${RUNS[@]:0:$shift_by}")
  echo "== round $ROUND of $REPEAT ($CORES cores, $FOLDS folds): ${order[*]}"
  for name in "${order[@]}"; do run "$name"; done
done

echo
"$PYTHON" "$ROOT/bench/report.py" "$WORK/results.jsonl" "$CORES"
