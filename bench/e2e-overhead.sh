#!/usr/bin/env bash
# End-to-end overhead of the control plane: the same configs run once through
# `burst submit --watch` (control plane + local agent process) and once through
# `burst-agent train`, in one run on this machine. Prints submit-to-first-trial,
# last-trial-to-SUCCEEDED, both totals and the difference. Figures are printed,
# never asserted.
#
#   bench/e2e-overhead.sh [CONFIGS.json]   (default ../shared/bench/census-configs-20.json)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${BURST_SHARED:-$ROOT/../shared}"
CONFIGS="${1:-$SHARED/bench/census-configs-20.json}"
FOLDS="${FOLDS:-3}"
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
[ -n "${KEEP_EVENTS:-}" ] && trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID"; cp "$WORK/events.jsonl" "$KEEP_EVENTS"; rm -rf "$WORK"' EXIT

echo "== building burst and burst-agent (Release)"
dotnet build -c Release "$ROOT/clients/Burst.Cli" -o "$WORK/bin" -v quiet -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
BURST="$WORK/bin/burst"
AGENT="$WORK/bin/burst-agent"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BURST" server --listen "http://127.0.0.1:$PORT" --data-dir "$WORK/data" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
export BURST_SERVER="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do "$BURST" list >/dev/null 2>&1 && break; sleep 0.2; done

# Warm-up of both paths: the first agent start pays for the page cache of a cold machine, and
# a fresh control plane JIT-compiles its job path on its first job; a real one is long-lived.
"$AGENT" train --configs "$CONFIGS" --folds "$FOLDS" --json --model-output-path "$WORK/warm" >/dev/null
"$BURST" submit --trials 2 --folds 2 --watch --json >/dev/null

echo "== burst-agent train (whole process, data loading included)"
t0=$(date +%s.%N)
"$AGENT" train --configs "$CONFIGS" --folds "$FOLDS" --json --model-output-path "$WORK/model" >"$WORK/train.json"
t1=$(date +%s.%N)

echo "== burst submit --watch (the same configs through the control plane)"
s0=$(date +%s.%N)
"$BURST" submit --configs "$CONFIGS" --folds "$FOLDS" --watch --json >"$WORK/events.jsonl"
s1=$(date +%s.%N)

python3 - "$t0" "$t1" "$s0" "$s1" "$WORK/events.jsonl" "$WORK/train.json" <<'PY'
import sys, json, datetime
t0, t1, s0, s1 = map(float, sys.argv[1:5])
events = [json.loads(l) for l in open(sys.argv[5]) if l.strip()]
train = json.loads(open(sys.argv[6]).read().strip().splitlines()[-1])
def ts(e):
    return datetime.datetime.fromisoformat(e["time"].replace("Z", "+00:00")).timestamp()
trials = [e for e in events if "trial" in e]
done = [e for e in events if e.get("stateChanged", {}).get("state") == "JOB_STATE_SUCCEEDED"]
if not done:
    sys.exit("the job did not succeed: " + json.dumps(events[-1]))
first_trial, last_trial, succeeded = ts(trials[0]), ts(trials[-1]), ts(done[0])
queued = ts(events[0])
train_wall, job_wall = t1 - t0, succeeded - s0
print(f"trials: {len(trials)} through the control plane, {train['fits']} fits in burst-agent train")
print(f"burst-agent train, whole process:      {train_wall:7.3f} s  (search+refit {train['search_s']:.3f} s)")
print(f"job, `burst submit` start to SUCCEEDED: {job_wall:7.3f} s  (client saw the end at {s1 - s0:.3f} s)")
print(f"  `burst submit` start to QUEUED (CLI process start, SubmitJob): {queued - s0:7.3f} s")
print(f"  QUEUED to first trial:               {first_trial - queued:7.3f} s")
print(f"  first to last trial:                 {last_trial - first_trial:7.3f} s")
print(f"  last trial to SUCCEEDED (refit, upload, commit): {succeeded - last_trial:7.3f} s")
print(f"overhead, from `burst submit` start:   {job_wall - train_wall:+7.3f} s")
print(f"overhead, from SubmitJob (QUEUED):      {succeeded - queued - train_wall:+7.3f} s  (target: at most +1.5 s)")
PY
