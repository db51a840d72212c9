#!/usr/bin/env python3
"""Prints the trainer benchmark's figures from measure.py's lines: medians over rounds, the ratios
taken round by round, and where the gap to the ideal goes.  Usage: report.py RESULTS.jsonl CORES"""
import json, statistics, sys

rows = [json.loads(line) for line in open(sys.argv[1])]
cores = int(sys.argv[2])
by, rounds = {}, {}
for r in rows:
    by.setdefault(r["run"], []).append(r)
    rounds.setdefault(r["round"], {})[r["run"]] = r

def med(run, key):
    return statistics.median(r[key] for r in by[run])

def spread(run, key):
    values = [r[key] for r in by[run]]
    return f"{min(values):.2f}..{max(values):.2f}"

def per_round(f):
    """A ratio computed inside each round (runs minutes apart), then the median over rounds."""
    values = []
    for rs in rounds.values():
        try:
            values.append(f(rs))
        except KeyError:
            pass
    return statistics.median(values), values

print(f"{'run':<20}{'n':>3}{'search_s':>10}{'fits':>6}{'fits/s':>9}{'range':>14}{'cv_best':>10}{'test_acc':>10}{'rss_MB':>9}")
for run, rs in by.items():
    print(f"{run:<20}{len(rs):>3}{med(run, 'search_s'):>10.3f}{rs[0]['fits']:>6}{med(run, 'fits_per_s'):>9.2f}{spread(run, 'fits_per_s'):>14}"
          f"{rs[0]['cv_best']:>10.5f}{rs[0]['test_acc']:>10.5f}{med(run, 'peak_rss_mb'):>9.1f}")

fps = lambda rs, run: rs[run]["fits_per_s"]
vs_seed, _ = per_round(lambda rs: fps(rs, "burst_20") / fps(rs, "seed_pipeline"))
vs_ideal, all_ideal = per_round(lambda rs: fps(rs, "burst_20") / (fps(rs, "floor_nthread1") * cores))
vs_floor2, _ = per_round(lambda rs: fps(rs, "burst_20") / fps(rs, "floor_nthread2"))
floor1 = med("floor_nthread1", "fits_per_s")
print()
print(f"fits/s vs seed pipeline (N_JOBS=1 NTHREAD=2): {vs_seed:.2f}x   (target >= 1.3x)")
print(f"fits/s vs ideal (single-thread floor, median {floor1:.2f} fits/s, x {cores} cores): {vs_ideal:.2f}x "
      f"(rounds: {', '.join(f'{v:.2f}' for v in all_ideal)})   (target >= 0.9x)")
print(f"fits/s vs floor NTHREAD=2: {vs_floor2:.2f}x")
floor_cv = by["floor_nthread1"][0]["cv_best"]
print(f"cv_best delta vs floor: {by['burst_20'][0]['cv_best'] - floor_cv:+.5f}   (target within 0.002)")
print(f"test accuracy: {by['burst_20'][0]['test_acc']:.5f}   (target >= 0.87)")

# Where the gap to the ideal goes, in seconds of burst_20's search (medians over rounds):
#   ideal      = fits / (floor1 fits/s x cores)
#   per-fit    = burst on one core and one thread against the floor on one core, spread over the cores
#   refit      = the refit phase against a refit that scaled perfectly (its 1-core time / cores)
#   cv scaling = what is left of the cross-validation phase: the tail of the last fits (fewer fits
#                than cores left) and the cores slowing each other (memory bandwidth, turbo)
if "burst_20_1core" in by:
    def breakdown(rs):
        b, one, f1 = rs["burst_20"], rs["burst_20_1core"], rs["floor_nthread1"]
        ideal = b["fits"] / (f1["fits_per_s"] * cores)
        per_fit = (one["search_s"] - b["fits"] / f1["fits_per_s"]) / cores
        refit = b["refit_s"] - one["refit_s"] / cores
        cv = b["cv_s"] - (one["cv_s"] / cores)
        return dict(actual=b["search_s"], ideal=ideal, gap=b["search_s"] - ideal, per_fit=per_fit, refit=refit, cv_scaling=cv,
                    overhead_ms=1000 * (one["search_s"] / one["fits"] - 1 / f1["fits_per_s"]))
    parts = [breakdown(rs) for rs in rounds.values() if {"burst_20", "burst_20_1core", "floor_nthread1"} <= rs.keys()]
    m = {k: statistics.median(p[k] for p in parts) for k in parts[0]}
    print()
    print(f"gap to the ideal on census-configs-20 (medians of {len(parts)} rounds): actual {m['actual']:.2f} s, ideal {m['ideal']:.2f} s, gap {m['gap']:+.2f} s")
    print(f"  per-fit overhead vs the floor: {m['per_fit']:+.2f} s ({m['overhead_ms']:+.1f} ms a fit on one core)")
    print(f"  refit with {cores} threads vs a perfectly scaled refit: {m['refit']:+.2f} s")
    print(f"  cross-validation scaling (tail of the last fits + cores slowing each other): {m['cv_scaling']:+.2f} s")
    print(f"  (the three add up to the gap only roughly: the floor does its own fold building and refit)")

print(f"peak RSS of burst-agent train (20 configs): {med('burst_20', 'peak_rss_mb'):.1f} MB" +
      (f"; 100 configs: {med('burst_100_full', 'peak_rss_mb'):.1f} MB" if "burst_100_full" in by else "") + "   (target < 400 MB)")
if "burst_100_full" in by and "burst_100_halving" in by:
    full, halving = by["burst_100_full"][0], by["burst_100_halving"][0]
    print(f"successive halving over census-configs-100: cv_best {halving['cv_best']:.5f} vs full {full['cv_best']:.5f} "
          f"(delta {halving['cv_best'] - full['cv_best']:+.5f}, target within 0.001); "
          f"boosting rounds {halving['boosting_rounds']} vs {full['boosting_rounds']} = {halving['boosting_rounds'] / full['boosting_rounds']:.3f} (target <= 0.333); "
          f"search_s {med('burst_100_halving', 'search_s'):.2f} vs {med('burst_100_full', 'search_s'):.2f}")
