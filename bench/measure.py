#!/usr/bin/env python3
"""Runs one benchmark command; prints its last stdout line (a JSON summary) with the run's name,
wall time and peak resident memory (the child's ru_maxrss) added.  Usage: measure.py NAME CMD..."""
import json, resource, subprocess, sys, time

name, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - start
if done.returncode != 0:
    sys.stderr.write(done.stderr)
    sys.exit(f"{name}: exit code {done.returncode}")
summary = json.loads(done.stdout.strip().splitlines()[-1])
summary.update(run=name, wall_s=round(wall, 3), peak_rss_mb=round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1))
print(json.dumps(summary))
