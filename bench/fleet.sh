#!/usr/bin/env bash
# Fleet benchmark: one search shared by several local workers through a real `burst server`.
# Figures are printed, never asserted.
#
#   bench/fleet.sh            (KEEP=1 keeps the events and the server's data dir, with the agents' logs;
#                              ONLY="skewed" runs one part: c100, skewed, killed)
#
# Prints, from one run on this machine:
#   1. census-configs-100 (../shared/bench) on 1 worker x 2 threads against 2 workers x 1 thread;
#   2. a skewed explicit search of 24 configs (6 expensive ones at indices 0, 2, ..., 10) on
#      2 workers x 1 thread: fleet efficiency = sum of trial durations / (workers x search wall
#      time), and the idle tail = the longest time from a worker's last trial to the search's end;
#   3. the trials recomputed after one worker is SIGKILLed mid-search: trial events per
#      (trial_id, rung) beyond the first, from `burst watch --json`.
# The search wall time runs from the first worker's attach to the last trial event. A worker is busy
# while at least one trial of its runs (a trial spans its duration up to its event), so an agent that
# runs two trials side by side on its cores still counts once.
#
# Needs: the .NET SDK, libxgboost0, python3.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${BURST_SHARED:-$ROOT/../shared}"
BENCH="$(cd "$SHARED/bench" && pwd)"
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "${KEEP:-}" ]; then echo "events and logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

echo "== building burst (Release)"
dotnet build -c Release "$ROOT/clients/Burst.Cli" -o "$WORK/bin" -v quiet -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
BURST="$WORK/bin/burst"

PORT="$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export BURST_SERVER="http://127.0.0.1:$PORT"
"$BURST" server --listen "$BURST_SERVER" --data-dir "$WORK/data" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do "$BURST" list >/dev/null 2>&1 && break; sleep 0.3; done
"$BURST" list >/dev/null || { cat "$WORK/server.log"; exit 1; }

"$PYTHON" - "$WORK/skewed.json" <<'PY'
import json, sys
configs = []
for i in range(24):
    expensive = i <= 10 and i % 2 == 0
    configs.append({"max_depth": 8 if expensive else 3, "n_estimators": 300 if expensive else 40,
                    "learning_rate": round(0.05 + 0.001 * i, 4), "gamma": 0.0, "reg_lambda": 1.0})
json.dump(configs, open(sys.argv[1], "w"))
PY

# submit NAME ARGS...: runs one job to its end, its events in $WORK/NAME.jsonl.
submit() {
  local name="$1"; shift
  local job
  job="$("$BURST" submit --json --name "bench $name" "$@" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["jobId"])')"
  "$BURST" watch "$job" --json >"$WORK/$name.jsonl" || true
  echo "$name: job $job"
}

# The SIGKILL run: kill the first worker that reports its fifth trial, by the pid its attach event names.
submit_and_kill() {
  local name="$1"; shift
  local job
  job="$("$BURST" submit --json --name "bench $name" "$@" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["jobId"])')"
  "$BURST" watch "$job" --json | "$PYTHON" -u -c '
import json, os, signal, sys
pids, done, killed = {}, {}, False
for line in sys.stdin:
    sys.stdout.write(line)
    e = json.loads(line)
    w = e.get("worker")
    if w and w.get("state") == "WORKER_STATE_ATTACHED":
        pids[w["workerId"]] = int(w["instance"].split()[-1])
    t = e.get("trial")
    if t and not killed:
        done[t.get("workerId", "")] = done.get(t.get("workerId", ""), 0) + 1
        worker = t.get("workerId", "")
        if done[worker] == 5 and worker in pids:
            os.kill(pids[worker], signal.SIGKILL)
            killed = True
            sys.stderr.write("killed %s (pid %d)\n" % (worker, pids[worker]))
' >"$WORK/$name.jsonl" || true
  echo "$name: job $job"
}

# ONLY="skewed killed" runs just those parts (c100, skewed, killed); the default runs them all.
wanted() { [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $1 "* ]]; }
if wanted c100; then
  echo "== census-configs-100: 1 worker x 2 threads, then 2 workers x 1 thread"
  submit c100_1x2 --configs "$BENCH/census-configs-100.json" --workers 1 --threads 2
  submit c100_2x1 --configs "$BENCH/census-configs-100.json" --workers 2 --threads 1
fi
if wanted skewed; then
  echo "== skewed 24 configs: 2 workers x 1 thread"
  submit skewed_2x1 --configs "$WORK/skewed.json" --workers 2 --threads 1
fi
if wanted killed; then
  echo "== census-configs-20, 2 workers x 1 thread, one worker SIGKILLed after its fifth trial"
  submit_and_kill killed_2x1 --configs "$BENCH/census-configs-20.json" --workers 2 --threads 1
fi

echo
"$PYTHON" "$ROOT/bench/fleet_report.py" "$WORK"
