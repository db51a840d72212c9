#!/usr/bin/env python3
"""Prints search-quality.sh's figures: the median best CV score after 10, 20 and BUDGET trials
per search, Optuna's beside them, and the issue's targets.
Usage: search_quality_report.py RESULTS.jsonl OPTUNA.txt BUDGET PATIENCE"""
import json, statistics, sys

rows = [json.loads(line) for line in open(sys.argv[1])]
optuna_lines = [line.strip() for line in open(sys.argv[2]) if line.strip()]
budget, patience = int(sys.argv[3]), int(sys.argv[4])
marks = [k for k in (10, 20) if k < budget] + [budget]

runs = {}
for r in rows:
    runs.setdefault(r["run"], {})[r["seed"]] = r

def best_after(scores, k):
    return max(scores[:k])

curves = {}  # name -> seed -> {k: best}
for name, by_seed in runs.items():
    curves[name] = {seed: {k: best_after(r["trial_scores"], k) for k in marks} for seed, r in by_seed.items()}
for line in optuna_lines:
    head, _, rest = line.partition(" ")
    if head in ("random", "tpe") and rest.startswith("{"):
        r = json.loads(rest)
        curves.setdefault("optuna_" + head, {})[r["seed"]] = {k: r[f"at{k}"] for k in marks if f"at{k}" in r}

def median(name, k):
    return statistics.median(c[k] for c in curves[name].values())

labels = {"random": "ours, random", "tpe": "ours, TPE", "tpe_2slots": "ours, TPE, 2 in flight",
          "random_es": f"ours, random, early stopping {patience}", "optuna_random": "Optuna random", "optuna_tpe": "Optuna TPE"}
print(f"median best CV accuracy over seeds ({budget} trials)")
print(f"{'search':<34}" + "".join(f"{'at ' + str(k):>10}" for k in marks))
for name in ("random", "tpe", "tpe_2slots", "optuna_random", "optuna_tpe", "random_es"):
    if name in curves:
        print(f"{labels[name]:<34}" + "".join(f"{median(name, k):>10.5f}" for k in marks))

print()
print("per seed, best at", budget, ":", "  ".join(
    f"seed {s}: random {curves['random'][s][budget]:.5f} tpe {curves['tpe'][s][budget]:.5f}" for s in sorted(curves["tpe"])))

def verdict(ok):
    return "met" if ok else "NOT met"

print()
print("targets")
ours_tpe = median("tpe", budget)
if "optuna_tpe" in curves:
    optuna_tpe = median("optuna_tpe", budget)
    print(f"  our TPE median best at {budget} {ours_tpe:.5f} >= Optuna TPE {optuna_tpe:.5f} - 0.0003: {verdict(ours_tpe >= optuna_tpe - 0.0003)}")
seeds = sorted(curves["tpe"])
ahead = sum(curves["tpe"][s][budget] > curves["random"][s][budget] for s in seeds)
print(f"  our TPE ahead of our random at {budget} in {ahead} of {len(seeds)} seeds (target >= 4 of 5): {verdict(ahead >= min(4, len(seeds)))}")
two = median("tpe_2slots", budget)
print(f"  TPE with 2 in flight {two:.5f} vs 1 in flight {ours_tpe:.5f}: difference {two - ours_tpe:+.5f} (target within 0.0005): {verdict(two >= ours_tpe - 0.0005)}")
plain = sum(runs["random"][s]["boosting_rounds"] for s in seeds)
stopped = sum(runs["random_es"][s]["boosting_rounds"] for s in seeds)
cv_plain = statistics.median(runs["random"][s]["cv_best"] for s in seeds)
cv_stopped = statistics.median(runs["random_es"][s]["cv_best"] for s in seeds)
worst = max((runs["random_es"][s]["cv_best"] - runs["random"][s]["cv_best"] for s in seeds), key=abs)
print(f"  early stopping {patience}: boosting rounds {stopped} vs {plain} ({1 - stopped / plain:.1%} fewer, target >= 30%): {verdict(stopped <= 0.7 * plain)}")
print(f"  early stopping {patience}: median best CV {cv_stopped:.5f} vs {cv_plain:.5f}, difference {cv_stopped - cv_plain:+.5f} (largest per seed {worst:+.5f}; target within 0.001): {verdict(abs(cv_stopped - cv_plain) <= 0.001)}")
print(f"  search time: random {sum(runs['random'][s]['search_s'] for s in seeds):.0f}s, with early stopping {sum(runs['random_es'][s]['search_s'] for s in seeds):.0f}s (all seeds)")
