#!/usr/bin/env python3
"""Prints bench/fleet.sh's figures from the `burst watch --json` events of its jobs.
Usage: fleet_report.py WORK_DIR"""
import collections, json, os, sys
from datetime import datetime

work = sys.argv[1]

def ts(text):
    # RFC 3339 with up to nanoseconds: keep microseconds.
    date, _, frac = text.rstrip("Z").partition(".")
    return datetime.fromisoformat(date).timestamp() + (float("0." + frac) if frac else 0.0)

def seconds(duration):
    return float(duration.rstrip("s")) if duration else 0.0

def load(name):
    path = os.path.join(work, name + ".jsonl")
    return [json.loads(l) for l in open(path) if l.strip()] if os.path.exists(path) else []

def final_state(events):
    states = [e["stateChanged"]["state"] for e in events if "stateChanged" in e]
    return states[-1].replace("JOB_STATE_", "") if states else "?"

def fleet(events):
    trials = [e for e in events if "trial" in e]
    attached = [ts(e["time"]) for e in events if e.get("worker", {}).get("state") == "WORKER_STATE_ATTACHED"]
    if not trials or not attached:
        return None
    start, end = min(attached), max(ts(e["time"]) for e in trials)
    wall = end - start
    workers = sorted({e["trial"].get("workerId", "") for e in trials})
    def busy_time(worker):
        spans = sorted((ts(e["time"]) - seconds(e["trial"].get("duration")), ts(e["time"])) for e in trials if e["trial"].get("workerId", "") == worker)
        total, until = 0.0, float("-inf")
        for begin, end_ in spans:
            if end_ > until:
                total += end_ - max(begin, until)
                until = end_
        return total
    busy = sum(busy_time(w) for w in workers)
    def idle_parts(worker):
        # Where a worker's share of the wall time went when it ran no trial: before its first trial
        # (attach, data load, first hand-out), between trials (hand-out round trips, reporting), after its last.
        spans = sorted((ts(e["time"]) - seconds(e["trial"].get("duration")), ts(e["time"])) for e in trials if e["trial"].get("workerId", "") == worker)
        gaps, until = 0.0, spans[0][1]
        for begin, end_ in spans[1:]:
            gaps += max(0.0, begin - until)
            until = max(until, end_)
        return dict(before=max(0.0, spans[0][0] - start), between=gaps, after=max(0.0, end - until))
    idle = {w: idle_parts(w) for w in workers}
    last = {w: max(ts(e["time"]) for e in trials if e["trial"].get("workerId", "") == w) for w in workers}
    longest = max(seconds(e["trial"].get("duration")) for e in trials)
    result = next((e["result"] for e in events if "result" in e), {})
    return dict(trials=len(trials), workers=len(workers), wall=wall, busy=busy,
                efficiency=busy / (len(workers) * wall) if wall > 0 else float("nan"),
                idle_tail=max(end - t for t in last.values()), idle_worker=min(last, key=last.get), longest=longest,
                per_worker={w: sum(1 for e in trials if e["trial"].get("workerId", "") == w) for w in workers},
                cv_best=result.get("cvBest", float("nan")), state=final_state(events), idle=idle, start=start)

print(f"{'run':<14}{'state':<11}{'trials':>7}{'workers':>8}{'wall_s':>9}{'busy_s':>9}{'efficiency':>11}{'idle_tail_s':>12}{'longest_s':>10}{'cv_best':>9}  per worker")
figures = {}
for name in ["c100_1x2", "c100_2x1", "skewed_2x1", "killed_2x1"]:
    f = fleet(load(name))
    figures[name] = f
    if f is None:
        print(f"{name:<14}(no trials)")
        continue
    print(f"{name:<14}{f['state']:<11}{f['trials']:>7}{f['workers']:>8}{f['wall']:>9.2f}{f['busy']:>9.2f}{f['efficiency']:>11.3f}"
          f"{f['idle_tail']:>12.2f}{f['longest']:>10.2f}{f['cv_best']:>9.5f}  {f['per_worker']}")

print()
a, b = figures.get("c100_1x2"), figures.get("c100_2x1")
if a and b:
    print(f"census-configs-100: 2 workers x 1 thread took {b['wall']:.2f} s against {a['wall']:.2f} s on 1 worker x 2 threads "
          f"= {b['wall'] / a['wall']:.3f}x the time   (target within 1.10x)")
s = figures.get("skewed_2x1")
if s:
    print(f"skewed 24 configs, 2 workers x 1 thread: fleet efficiency {s['efficiency']:.3f} (target >= 0.9); "
          f"idle tail {s['idle_tail']:.2f} s on {s['idle_worker']} against the longest trial {s['longest']:.2f} s "
          f"(target: no longer)")
    parts = {k: sum(p[k] for p in s["idle"].values()) for k in ("before", "between", "after")}
    lost = s["workers"] * s["wall"] - s["busy"]
    print(f"  where the {lost:.2f} worker-seconds without a trial went: before the first trial {parts['before']:.2f} s, "
          f"between trials {parts['between']:.2f} s, after the last {parts['after']:.2f} s  "
          + ", ".join(f"{w}: {p['before']:.2f}/{p['between']:.2f}/{p['after']:.2f}" for w, p in sorted(s["idle"].items())))
    # The time before the first trial, worker by worker, from the events the control plane committed
    # (an agent's log line carries the time it was committed, a little after the agent wrote it).
    events, start = load("skewed_2x1"), s["start"]
    for w in sorted(s["idle"]):
        attach = min(ts(e["time"]) for e in events if e.get("worker", {}).get("workerId") == w and e["worker"].get("state") == "WORKER_STATE_ATTACHED")
        logs = [(ts(e["time"]), e["log"]["message"]) for e in events if e.get("log", {}).get("workerId") == w]
        loading = next((t for t, m in logs if m.startswith("loading ")), None)
        loaded = next((t for t, m in logs if m.startswith("loaded ")), None)
        first = min(ts(e["time"]) - seconds(e["trial"].get("duration")) for e in events if e.get("trial", {}).get("workerId") == w)
        if loading is not None and loaded is not None:
            print(f"  {w} before its first trial: attached {attach - start:.2f} s after the first worker, then "
                  f"{loading - attach:.2f} s to the start of the data load, {loaded - loading:.2f} s loading, "
                  f"{first - loaded:.2f} s folds and the first trial's start")
k = load("killed_2x1")
if k:
    counts = collections.Counter((e["trial"].get("trialId", 0), e["trial"].get("rung", 0)) for e in k if "trial" in e)
    recomputed = sum(n - 1 for n in counts.values())
    lost = [e["worker"]["workerId"] for e in k if e.get("worker", {}).get("state") == "WORKER_STATE_LOST"]
    print(f"one worker SIGKILLed ({', '.join(lost) or 'none lost'}): {len(counts)} distinct trials, {sum(counts.values())} trial events, "
          f"{recomputed} recomputed after being committed (target 0); job {final_state(k)}")
