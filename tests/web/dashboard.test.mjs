// The dashboard in a real browser (Debian's chromium through playwright-core) against a real
// `burst server`: the list, the submit form and its field errors, a job followed live to SUCCEEDED,
// a reload that resumes, cancel with its confirmation, and a phone-sized screen.
// Screenshots go to TestResults/web/. Run: node --test tests/web/
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { textOf, waitForText } from "./page.mjs";
import { launchChromium, repoRoot, startServer } from "./burst-server.mjs";

const shots = join(repoRoot, "TestResults", "web");
const waitMs = 90_000;

// A small, quick search on the bundled Census data: 4 trials of at most 10 rounds.
const smallSpace = JSON.stringify({
  search: {
    space: {
      n_estimators: { int_range: { low: 5, high: 10 } },
      max_depth: { int_range: { low: 2, high: 4 } },
      learning_rate: { log_uniform: { low: 0.05, high: 0.3 } },
    },
  },
});

let server;
let browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function newPage(viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // A Content-Security-Policy violation (the server sends one) shows up as a console error.
  page.on("console", (m) => m.type() === "error" && /Content.Security.Policy/i.test(m.text()) && errors.push(m.text()));
  page.errors = errors;
  return page;
}

async function submit(page, fields) {
  await page.goto(`${server.url}/submit`);
  for (const [name, value] of Object.entries(fields)) {
    const input = page.locator(`[name="${name}"]`);
    if ((await input.evaluate((e) => e.tagName)) === "SELECT") await input.selectOption(value);
    else await input.fill(value);
  }
  await page.click("#submit-job");
}

describe("the dashboard", () => {
  test("the jobs page loads with no jobs and a state filter", async () => {
    const page = await newPage();
    await page.goto(server.url);
    await waitForText(page, "#jobs-status", /No jobs yet/);
    assert.equal(await textOf(page, "h1"), "Jobs");
    assert.ok((await page.locator("#state-filter option").count()) >= 8, "the filter offers every state");
    await page.screenshot({ path: join(shots, "jobs-empty.png") });
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a bad form value shows the server's field error next to its field", async () => {
    const page = await newPage();
    await submit(page, { trials: "4", folds: "1" });
    await waitForText(page, "#f-folds-error", /between 2 and 20, got 1/);
    assert.equal(await page.locator("#f-folds").getAttribute("aria-invalid"), "true");
    assert.equal(await textOf(page, "#f-trials-error"), "", "only the bad field shows an error");
    assert.match(page.url(), /\/submit$/, "no job was made, so the page stays on the form");
    await page.screenshot({ path: join(shots, "submit-error.png") });
    await page.context().close();
  });

  test("a submitted job shows in the list, and its page follows it live to SUCCEEDED", async () => {
    const page = await newPage();
    await submit(page, { display_name: "browser test", trials: "4", folds: "2", spec_json: smallSpace });
    await page.waitForURL(/\/jobs\/[^/]+$/, { timeout: waitMs });
    const jobId = decodeURIComponent(page.url().split("/jobs/")[1]);

    // The chart's point counts as the page draws them: they must grow from none to all four.
    await page.evaluate(() => {
      const seen = (window.pointsSeen = []);
      const chart = document.querySelector("#trial-chart");
      new MutationObserver(() => seen.push(Number(chart.dataset.points))).observe(chart, { attributes: true, attributeFilter: ["data-points"] });
    });
    await waitForText(page, "#job-state", /SUCCEEDED/);
    await page.waitForFunction(() => document.querySelector("#trial-chart")?.dataset.points === "4", null, { timeout: 10_000 });
    const seen = await page.evaluate(() => window.pointsSeen);
    assert.ok(seen.length > 0 && seen.every((n, i) => i === 0 || n >= seen[i - 1]), `the trial chart only grows: ${seen}`);
    assert.equal(await page.locator("#leaderboard tbody tr").count(), 4, "the leaderboard lists every trial");
    assert.ok((await page.locator("#workers tbody tr").count()) >= 1, "the workers table has the job's worker");
    assert.match(await textOf(page, "#job-progress-text"), /^4\/4 trials/);
    assert.match(await textOf(page, "#event-log"), /RUNNING → SUCCEEDED/);
    assert.match(await textOf(page, "#job-result"), /Refit best trial \d+: CV 0\.\d{4}/);
    assert.ok(Number(await page.locator("#param-chart").getAttribute("data-points")) === 4, "score by parameter has every trial");
    assert.equal(await page.locator("#cancel-job").isVisible(), false, "a finished job has no cancel button");
    await page.screenshot({ path: join(shots, "job-succeeded.png"), fullPage: true });

    // A reload resumes after the last event seen: nothing is replayed, and everything is still drawn.
    await page.reload();
    await waitForText(page, "#job-status", /Resumed after event \d+/, 10_000);
    await page.waitForFunction(() => document.querySelector("#trial-chart")?.dataset.points === "4", null, { timeout: 10_000 });
    assert.equal(await page.locator("#leaderboard tbody tr").count(), 4);

    await page.goto(server.url);
    const row = page.locator(`tr[data-job="${jobId}"]`);
    await row.waitFor({ timeout: 10_000 });
    assert.match((await row.textContent()) ?? "", /SUCCEEDED.*4\/4/);
    await page.selectOption("#state-filter", "FAILED");
    await waitForText(page, "#jobs-status", /No jobs yet/, 10_000);
    await page.selectOption("#state-filter", "SUCCEEDED");
    await row.waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(shots, "jobs-list.png") });
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("cancel asks first, and a confirmed cancel ends the job CANCELLED", async () => {
    const page = await newPage();
    // Long enough to still be running when the button is pressed.
    await submit(page, { display_name: "to cancel", trials: "400", folds: "5" });
    await page.waitForURL(/\/jobs\/[^/]+$/, { timeout: waitMs });
    await page.locator("#cancel-job").waitFor({ state: "visible", timeout: waitMs });

    const dialogs = [];
    page.once("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.click("#cancel-job");
    assert.equal(dialogs.length, 1);
    assert.match(dialogs[0], /Cancel job/);
    assert.doesNotMatch(await textOf(page, "#job-state"), /CANCEL/, "a dismissed confirmation cancels nothing");

    page.once("dialog", (d) => void d.accept());
    await page.click("#cancel-job");
    await waitForText(page, "#job-state", /^CANCELLED$/);
    assert.match(await textOf(page, "#event-log"), /→ CANCELLED/);
    await page.screenshot({ path: join(shots, "job-cancelled.png"), fullPage: true });
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("when the server wants an API key, the page asks once, sends it as a bearer token, and says when one is refused", async () => {
    // The server of this test has no keys: the browser's gRPC-Web calls are answered UNAUTHENTICATED
    // here, as an API-key interceptor would, unless they carry the right bearer token.
    const page = await newPage();
    const sent = [];
    await page.route("**/burst.v1.JobService/**", async (route) => {
      const authorization = route.request().headers().authorization ?? "";
      sent.push(authorization);
      if (authorization === "Bearer right-key") return route.continue();
      return route.fulfill({
        status: 200,
        headers: { "content-type": "application/grpc-web+proto", "grpc-status": "16", "grpc-message": "missing or unknown API key" },
        body: "",
      });
    });
    await page.goto(server.url);
    await page.locator("#api-key").waitFor({ timeout: 10_000 });
    assert.match(await textOf(page, "#banner"), /needs an API key/);

    await page.fill("#api-key", "wrong-key");
    await page.click("#banner button");
    await waitForText(page, "#banner", /That API key was refused/, 10_000);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("burst.apiKey")), null, "a refused key is not kept");

    await page.fill("#api-key", "right-key");
    await page.click("#banner button");
    await waitForText(page, "#jobs-status", /^(No jobs yet.*)?$/, 10_000);
    assert.equal(await page.locator("#banner").isVisible(), false);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("burst.apiKey")), "right-key");
    await page.goto(`${server.url}/submit`);
    await page.goto(server.url);
    await waitForText(page, "#jobs-status", /^(No jobs yet.*)?$/, 10_000);
    assert.equal(await page.locator("#banner").isVisible(), false, "the key is asked for once per browser session");
    assert.ok(sent.includes("Bearer wrong-key") && sent.at(-1) === "Bearer right-key", `sent: ${sent.join(", ")}`);
    await page.context().close();
  });

  test("on a phone-sized screen the pages fit the width", async () => {
    const page = await newPage({ width: 390, height: 844 });
    await page.goto(server.url);
    const succeeded = page.locator("#jobs tbody tr", { hasText: "SUCCEEDED" }).first();
    await succeeded.waitFor({ timeout: 10_000 });
    const href = await succeeded.locator("a").first().getAttribute("href");
    for (const path of ["/", "/submit", href]) {
      await page.goto(server.url + path);
      await page.waitForLoadState("networkidle");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path} is ${overflow}px wider than the screen`);
    }
    await page.screenshot({ path: join(shots, "job-phone.png"), fullPage: true });
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
