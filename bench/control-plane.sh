#!/usr/bin/env bash
# Control-plane load, printed from one run against one real `burst server` on loopback:
# SubmitJob against the no-op unary (grpc.health.v1 Check) on the same server, 8 and 1,000
# watchers on one job (delivery p50/p99, server CPU per delivered event, RSS), ingestion from 50
# simulated agents speaking the real Attach protocol, and GetJob / ListJobs(50) p99 with 10,000
# stored jobs at 4 callers. Figures are printed, never asserted.
#
#   bench/control-plane.sh [SECONDS_PER_PHASE]   (default 5)
#   BENCH_PHASES=submit bench/control-plane.sh   (only some phases: watch, ingest, submit, reads)
#   BENCH_SUBMIT_CALLERS=16,64 bench/control-plane.sh   (SubmitJob against the no-op at more caller counts)
#
# Workers are real local-provider processes, but a stand-in (ControlPlaneBench/stand-in-agent.sh)
# replaces burst-agent: it writes the token the control plane gave it to a file and sleeps, and the
# bench's simulated agents attach with those tokens. So the tokens are the real ones, handed out the
# real way, and no training competes with the control plane for the CPU.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_PHASE="${1:-5}"
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    # The server stops its workers on the way out; any stand-in it missed is stopped here, by its own PID.
    left=0
    for f in "$WORK"/tokens/*; do
        [ -f "$f" ] || continue
        pid=$(cut -d' ' -f4 "$f")
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then left=$((left + 1)); kill -TERM "$pid" 2>/dev/null || true; fi
    done
    [ "$left" -gt 0 ] && echo "stopped $left stand-in worker(s) the server left running"
    rm -rf "$WORK"
}
trap cleanup EXIT

# The server is published as the control-plane image publishes it (ReadyToRun for linux-x64): a plain
# `dotnet build` starts on the JIT alone, which takes up to a third of the server's CPU samples in its first
# ~20 s under this load and would be measured as the cost of the calls.
echo "== publishing burst (Release, ReadyToRun, as docker/control-plane.Dockerfile does) and building the bench client"
dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true "$ROOT/clients/Burst.Cli" -o "$WORK/bin" -v quiet -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
dotnet build -c Release "$ROOT/bench/ControlPlaneBench" -o "$WORK/bench" -v quiet -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }

mkdir -p "$WORK/tokens" "$WORK/data"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
# Workers that never train must not be declared lost mid-run; the stand-ins stop with the server.
BENCH_TOKENS="$WORK/tokens" \
Burst__AgentPath="$ROOT/bench/ControlPlaneBench/stand-in-agent.sh" \
Burst__HeartbeatTimeout=01:00:00 \
Burst__StopWorkersOnShutdown=true \
    "$WORK/bin/burst" server --listen "$URL" --data-dir "$WORK/data" --web-listen none --max-concurrent-jobs 2 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do grep -q "listening on" "$WORK/server.log" 2>/dev/null && break; sleep 0.2; done
grep -q "listening on" "$WORK/server.log" || { echo "the server did not start:"; cat "$WORK/server.log"; exit 1; }
echo "== burst server $URL (pid $SERVER_PID), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

"$WORK/bench/ControlPlaneBench" "$URL" "$SERVER_PID" "$WORK/tokens" "$SECONDS_PER_PHASE"
echo "== load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
