// Starts a real `burst server` (the built CLI) on free loopback ports with a temporary data dir,
// for the browser tests and the dashboard benchmark.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** BURST_EXE, else the newest of the Debug and Release builds of clients/Burst.Cli. */
export function burstExecutable() {
  if (process.env.BURST_EXE) return process.env.BURST_EXE;
  const candidates = ["Debug", "Release"]
    .map((c) => join(repoRoot, "clients", "Burst.Cli", "bin", c, "net10.0", "burst"))
    .filter((p) => existsSync(p))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (candidates.length === 0) throw new Error("burst is not built: run `dotnet build BurstGrpc.sln` first (or set BURST_EXE)");
  return candidates[0];
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the server prints its dashboard line; rejects (with its output) if it exits first or takes over 60 s. `args` go after the server's own. */
export async function startServer({ env = {}, args = [] } = {}) {
  const grpcPort = await freePort();
  const webPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "burst-web-"));
  const child = spawn(
    burstExecutable(),
    ["server", "--listen", `http://127.0.0.1:${grpcPort}`, "--web-listen", `http://127.0.0.1:${webPort}`, "--data-dir", dataDir, ...args],
    // Agents of a job still running when a test ends must not outlive the server.
    { cwd: dataDir, env: { ...process.env, Burst__StopWorkersOnShutdown: "true", ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`burst server did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk) => {
      output += chunk;
      if (output.includes("dashboard on ")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`burst server exited with ${code}:\n${output}`));
    });
  });
  await ready;
  return {
    url: `http://127.0.0.1:${webPort}`,
    grpcUrl: `http://127.0.0.1:${grpcPort}`,
    dataDir,
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A new API key from `burst keys create`: the key, and its line for an --api-keys file. */
export function createKey(name, role) {
  const output = execFileSync(burstExecutable(), ["keys", "create", "--name", name, "--role", role], { encoding: "utf8" });
  const key = /key \(shown only now[^:]*\): (\S+)/.exec(output)?.[1];
  const line = /line for the server's --api-keys file: (.+)/.exec(output)?.[1];
  if (!key || !line) throw new Error(`unexpected output of burst keys create:\n${output}`);
  return { key, line };
}

/** Debian's chromium, headless; root (CI containers) needs --no-sandbox. */
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`${executablePath} is missing: run scripts/prereqs.sh --test (apt-get install chromium)`);
  const args = process.getuid?.() === 0 ? ["--no-sandbox"] : [];
  return chromium.launch({ executablePath, headless: true, args });
}
