// The dashboard in a real browser against a real `burst server --api-keys FILE`: the page asks for a
// key, says when one is refused and asks again, lists the jobs with a read key, and shows the
// server's PERMISSION_DENIED when that key tries to cancel or submit.
// Run: node --test tests/web/
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { textOf, waitForText } from "./page.mjs";
import { burstExecutable, createKey, launchChromium, repoRoot, startServer } from "./burst-server.mjs";

const shots = join(repoRoot, "TestResults", "web");
const waitMs = 30_000;

let server;
let browser;
let scratch;
let reader;
let jobId;

before(async () => {
  mkdirSync(shots, { recursive: true });
  scratch = mkdtempSync(join(tmpdir(), "burst-web-keys-"));
  reader = createKey("reader", "read");
  const submitter = createKey("submitter", "submit");
  const keysFile = join(scratch, "api-keys");
  writeFileSync(keysFile, `${reader.line}\n${submitter.line}\n`, { mode: 0o600 });

  // The job only has to exist and stay cancellable: a stand-in for burst-agent that never attaches
  // keeps it PROVISIONING without training anything.
  const standIn = join(scratch, "agent.sh");
  writeFileSync(standIn, "#!/bin/sh\nexec sleep 600\n");
  chmodSync(standIn, 0o755);
  [server, browser] = await Promise.all([
    startServer({ args: ["--api-keys", keysFile], env: { Burst__AgentPath: standIn, Burst__HeartbeatTimeout: "01:00:00" } }),
    launchChromium(),
  ]);
  const submitted = execFileSync(burstExecutable(), ["submit", "--server", server.grpcUrl, "--name", "keyed", "--json"], {
    encoding: "utf8",
    env: { ...process.env, BURST_API_KEY: submitter.key },
  });
  jobId = JSON.parse(submitted).jobId;
  assert.ok(jobId, `burst submit printed no job id:\n${submitted}`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function newPage(key) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (key) await context.addInitScript((k) => sessionStorage.setItem("burst.apiKey", k), key);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.errors = errors;
  return page;
}

describe("the dashboard against a server with API keys", () => {
  test("asks for a key, refuses a wrong one and asks again, and lists the jobs with a read key", async () => {
    const page = await newPage();
    await page.goto(server.url);
    await page.locator("#api-key").waitFor({ timeout: waitMs });
    assert.match(await textOf(page, "#banner"), /This server needs an API key/);
    assert.equal(await page.locator(`tr[data-job="${jobId}"]`).count(), 0, "nothing is listed without a key");

    await page.fill("#api-key", "not-a-key-of-this-server");
    await page.click("#banner button");
    await waitForText(page, "#banner", /That API key was refused \(the API key is not valid\.\)/);
    assert.equal(await page.locator("#api-key").isVisible(), true, "still asked for a key");
    assert.equal(await page.evaluate(() => sessionStorage.getItem("burst.apiKey")), null, "a refused key is not kept");
    await page.screenshot({ path: join(shots, "keys-refused.png") });

    await page.fill("#api-key", reader.key);
    await page.click("#banner button");
    await page.locator(`tr[data-job="${jobId}"]`).waitFor({ timeout: waitMs });
    assert.match(await textOf(page, `tr[data-job="${jobId}"]`), /keyed/);
    assert.equal(await page.locator("#banner").isVisible(), false);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("burst.apiKey")), reader.key);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a read key may not cancel or submit: the page shows PERMISSION_DENIED and keeps the key", async () => {
    const page = await newPage(reader.key);
    await page.goto(`${server.url}/jobs/${encodeURIComponent(jobId)}`);
    await page.locator("#cancel-job").waitFor({ state: "visible", timeout: waitMs });
    page.once("dialog", (d) => void d.accept());
    await page.click("#cancel-job");
    await waitForText(page, "#cancel-error", /Cannot cancel: PermissionDenied: the API key reader has the role read; CancelJob needs submit\./);
    assert.doesNotMatch(await textOf(page, "#job-state"), /CANCEL/, "the job goes on");
    assert.equal(await page.locator("#banner").isVisible(), false, "a key that is known but not allowed is not asked for again");
    await page.screenshot({ path: join(shots, "keys-cancel-denied.png") });

    await page.goto(`${server.url}/submit`);
    await page.fill('[name="trials"]', "4");
    await page.click("#submit-job");
    await waitForText(page, "#form-error", /PermissionDenied: the API key reader has the role read; SubmitJob needs submit\./);
    assert.match(page.url(), /\/submit$/, "no job was made, so the page stays on the form");
    assert.equal(await page.evaluate(() => sessionStorage.getItem("burst.apiKey")), reader.key);
    await page.screenshot({ path: join(shots, "keys-submit-denied.png") });

    await page.goto(server.url);
    await page.locator(`tr[data-job="${jobId}"]`).waitFor({ timeout: waitMs });
    assert.equal(await page.locator("#jobs tbody tr").count(), 1, "the refused submit made no job");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
