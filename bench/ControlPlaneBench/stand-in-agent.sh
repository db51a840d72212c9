#!/bin/sh
# Started by the local provider in place of burst-agent: it records the worker's token where the
# bench's simulated agent reads it, then stays alive (as a worker process does) until stopped.
file="$BENCH_TOKENS/$BURST_JOB_ID.$BURST_WORKER_ID"
printf '%s %s %s %s\n' "$BURST_JOB_ID" "$BURST_WORKER_ID" "$BURST_AGENT_TOKEN" "$$" > "$file.tmp"
mv "$file.tmp" "$file"
exec sleep 3600
