// Bundles the dashboard: TypeScript from protos/ (buf generate + protoc-gen-es), then one
// script and one stylesheet with esbuild (after tsc checks the types), into web/dashboard/dist (embedded by the control plane).
// Run from anywhere: node web/dashboard/build.mjs
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const dist = join(here, "dist");

rmSync(join(here, "src", "gen"), { recursive: true, force: true });
execFileSync(join(root, "node_modules", ".bin", "buf"), ["generate", "protos", "--template", "web/dashboard/buf.gen.yaml"], {
  cwd: root,
  stdio: "inherit",
});

// Types are checked here, since esbuild only strips them.
execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", join(here, "tsconfig.json")], { cwd: root, stdio: "inherit" });

mkdirSync(dist, { recursive: true });
await esbuild.build({
  entryPoints: { app: join(here, "src", "main.ts") },
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "esm",
  target: ["chrome110", "firefox115", "safari16"],
  outdir: dist,
  logLevel: "warning",
});
copyFileSync(join(here, "index.html"), join(dist, "index.html"));
console.log("dashboard bundled into web/dashboard/dist");
