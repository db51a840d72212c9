#!/usr/bin/env python3
"""Prints the trainer benchmark's figures and ratios from measure.py's lines (medians over rounds).
Usage: report.py RESULTS.jsonl CORES"""
import json, statistics, sys

rows = [json.loads(line) for line in open(sys.argv[1])]
cores = int(sys.argv[2])
by = {}
for r in rows:
    by.setdefault(r["run"], []).append(r)

def med(run, key):
    return statistics.median(r[key] for r in by[run])

print(f"{'run':<20}{'search_s':>10}{'fits':>6}{'fits/s':>9}{'cv_best':>10}{'test_acc':>10}{'test_auc':>10}{'rss_MB':>9}")
for run, rs in by.items():
    print(f"{run:<20}{med(run, 'search_s'):>10.3f}{rs[0]['fits']:>6}{med(run, 'fits_per_s'):>9.2f}"
          f"{rs[0]['cv_best']:>10.5f}{rs[0]['test_acc']:>10.5f}{rs[0]['test_auc']:>10.5f}{med(run, 'peak_rss_mb'):>9.1f}")

ours, seed = med("burst_20", "fits_per_s"), med("seed_pipeline", "fits_per_s")
floor1 = med("floor_nthread1", "fits_per_s")
ideal = floor1 * cores
print()
print(f"fits/s vs seed pipeline (N_JOBS=1 NTHREAD=2): {ours / seed:.2f}x   (target >= 1.3x)")
print(f"fits/s vs ideal ({floor1:.2f} single-thread floor fits/s x {cores} cores = {ideal:.2f}): {ours / ideal:.2f}x   (target >= 0.9x)")
print(f"fits/s vs floor NTHREAD=2: {ours / med('floor_nthread2', 'fits_per_s'):.2f}x")
floor_cv = by["floor_nthread1"][0]["cv_best"]
print(f"cv_best delta vs floor: {by['burst_20'][0]['cv_best'] - floor_cv:+.5f}   (target within 0.002)")
print(f"test accuracy: {by['burst_20'][0]['test_acc']:.5f}   (target >= 0.87)")
print(f"peak RSS of burst-agent train (20 configs): {med('burst_20', 'peak_rss_mb'):.1f} MB; 100 configs: {med('burst_100_full', 'peak_rss_mb'):.1f} MB   (target < 400 MB)")
full, halving = by["burst_100_full"][0], by["burst_100_halving"][0]
print(f"successive halving over census-configs-100: cv_best {halving['cv_best']:.5f} vs full {full['cv_best']:.5f} "
      f"(delta {halving['cv_best'] - full['cv_best']:+.5f}, target within 0.001); "
      f"boosting rounds {halving['boosting_rounds']} vs {full['boosting_rounds']} = {halving['boosting_rounds'] / full['boosting_rounds']:.3f} (target <= 0.333); "
      f"search_s {med('burst_100_halving', 'search_s'):.2f} vs {med('burst_100_full', 'search_s'):.2f}")
