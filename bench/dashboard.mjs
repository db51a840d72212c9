// Dashboard benchmark: a real `burst server` runs a real 1,000-trial job made fast (1-2 boosting
// rounds of depth 1-2 on the bundled Census data, 2 folds), and headless chromium follows it on the
// job page at 1280x800. Prints, never asserts:
//   - live: each drawn batch's time (the page's own timing around a batch: state to DOM, uPlot's
//     draw and a forced layout; window.burstDraws), and the JS heap over the job (CDP
//     Performance.getMetrics every 0.5 s, plus after a forced GC at each quarter of the trials);
//   - replay: the same finished job opened afresh, so all its events arrive in a few large batches.
// Writes TestResults/bench/dashboard.json.
//
//   node bench/dashboard.mjs [TRIALS]     (default 1000; needs `dotnet build` and scripts/prereqs.sh --test)
//   MAX_ROUNDS=20 node bench/dashboard.mjs (up to 20 boosting rounds a trial: a longer job)
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { launchChromium, repoRoot, startServer } from "../tests/web/burst-server.mjs";

const trials = Number(process.argv[2] ?? 1000);
// More rounds make a slower job: smaller batches, and more heap samples over it.
const maxRounds = Number(process.env.MAX_ROUNDS ?? 2);
const space = {
  search: {
    space: {
      n_estimators: { int_range: { low: 1, high: maxRounds } },
      max_depth: { int_range: { low: 1, high: 2 } },
      learning_rate: { log_uniform: { low: 0.01, high: 0.5 } },
    },
  },
};

mkdirSync(join(repoRoot, "TestResults", "bench"), { recursive: true });
const server = await startServer();
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  const heapMb = async () => {
    const { metrics } = await cdp.send("Performance.getMetrics");
    return metrics.find((m) => m.name === "JSHeapUsedSize").value / 2 ** 20;
  };
  const gcHeapMb = async () => {
    await cdp.send("HeapProfiler.collectGarbage");
    return heapMb();
  };
  const trialsDrawn = () => page.evaluate(() => Number(document.querySelector("#trial-chart")?.dataset.points ?? 0));
  const domNodes = () => page.evaluate(() => document.getElementsByTagName("*").length);

  await page.goto(`${server.url}/submit`);
  await page.fill("[name=trials]", String(trials));
  await page.fill("[name=folds]", "2");
  await page.fill("[name=display_name]", `dashboard bench, ${trials} trials`);
  await page.fill("[name=spec_json]", JSON.stringify(space));
  const started = Date.now();
  await page.click("#submit-job");
  await page.waitForURL(/\/jobs\/[^/]+$/, { timeout: 60_000 });
  const jobUrl = page.url();

  const samples = [];
  const afterGc = [{ trials: 0, mb: await gcHeapMb(), nodes: await domNodes() }];
  let nextQuarter = 1;
  for (;;) {
    const state = await page.locator("#job-state").textContent();
    const drawn = await trialsDrawn();
    samples.push({ s: (Date.now() - started) / 1000, trials: drawn, mb: await heapMb() });
    while (nextQuarter <= 4 && drawn >= (trials * nextQuarter) / 4) {
      afterGc.push({ trials: drawn, mb: await gcHeapMb(), nodes: await domNodes() });
      nextQuarter++;
    }
    if (/SUCCEEDED|FAILED|CANCELLED/.test(state ?? "")) break;
    if (Date.now() - started > 20 * 60_000) throw new Error("the job did not finish in 20 minutes");
    await page.waitForTimeout(500);
  }
  const jobSeconds = (Date.now() - started) / 1000;
  await page.waitForTimeout(500);
  const live = await page.evaluate(() => window.burstDraws ?? []);
  const finalState = await page.locator("#job-state").textContent();
  await page.screenshot({ path: join(repoRoot, "TestResults", "bench", `job-${trials}.png`) });
  if (nextQuarter <= 4) afterGc.push({ trials: await trialsDrawn(), mb: await gcHeapMb(), nodes: await domNodes() });

  // Replay: a fresh browser session (no sessionStorage) opens the finished job's shared link.
  const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const replayPage = await fresh.newPage();
  const replayStart = Date.now();
  await replayPage.goto(jobUrl);
  await replayPage.waitForFunction((n) => Number(document.querySelector("#trial-chart")?.dataset.points ?? 0) >= n, trials, { timeout: 120_000 });
  await replayPage.waitForTimeout(500);
  const replaySeconds = (Date.now() - replayStart) / 1000;
  const replay = await replayPage.evaluate(() => window.burstDraws ?? []);

  const summary = (draws) => {
    const ms = draws.map((d) => d.ms).sort((a, b) => a - b);
    const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? 0;
    return {
      batches: ms.length,
      events: draws.reduce((n, d) => n + d.events, 0),
      largestBatch: Math.max(0, ...draws.map((d) => d.events)),
      p50: q(0.5),
      p95: q(0.95),
      p99: q(0.99),
      max: ms[ms.length - 1] ?? 0,
      over100: ms.filter((x) => x > 100).length,
    };
  };
  const result = {
    trials,
    state: finalState,
    jobSeconds,
    live: summary(live),
    replay: { ...summary(replay), seconds: replaySeconds },
    heapAfterGc: afterGc,
    heapSamples: samples,
    loadAverage: loadavg(),
    liveDraws: live,
    replayDraws: replay,
  };
  mkdirSync(join(repoRoot, "TestResults", "bench"), { recursive: true });
  writeFileSync(join(repoRoot, "TestResults", "bench", "dashboard.json"), JSON.stringify(result, null, 2));

  const f = (x) => x.toFixed(1);
  const line = (name, s) =>
    `${name}: ${s.batches} batches, ${s.events} events (largest batch ${s.largestBatch}); draw ms p50 ${f(s.p50)}, p95 ${f(s.p95)}, p99 ${f(s.p99)}, max ${f(s.max)}; over 100 ms: ${s.over100}`;
  console.log(`job: ${trials} trials of 1-${maxRounds} rounds, ${finalState} in ${f(jobSeconds)} s (${cpus().length} cores, load average ${loadavg().map(f).join(" ")})`);
  console.log(line("live", result.live));
  console.log(`${line("replay", result.replay)}; all drawn in ${f(replaySeconds)} s`);
  console.log(`JS heap after GC (MB) by trials drawn: ${afterGc.map((h) => `${h.trials}: ${f(h.mb)} (${h.nodes} nodes)`).join(", ")}`);
  const mbs = samples.map((s) => s.mb);
  console.log(`JS heap without GC over the job (MB): min ${f(Math.min(...mbs))}, max ${f(Math.max(...mbs))}, last ${f(mbs[mbs.length - 1])} (${samples.length} samples)`);
} finally {
  await browser.close();
  await server.stop();
}
