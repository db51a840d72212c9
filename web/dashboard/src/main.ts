// The dashboard: a tiny router over three pages. Links with data-link navigate without a reload.
import "./app.css";
import { onKeyNeeded, setApiKey } from "./api";
import { el } from "./format";
import { showJob } from "./job-page";
import { showJobs } from "./jobs-list";
import { showSubmit } from "./submit";

export type Navigate = (path: string) => void;
type Page = (root: HTMLElement, navigate: Navigate) => () => void;

const root = document.getElementById("app")!;
const banner = document.getElementById("banner")!;
let dispose: (() => void) | undefined;

function route(): void {
  dispose?.();
  root.replaceChildren();
  const path = location.pathname;
  const job = /^\/jobs\/([^/]+)\/?$/.exec(path);
  let page: Page;
  if (job) page = (r, n) => showJob(r, n, decodeURIComponent(job[1]));
  else if (path === "/submit") page = showSubmit;
  else page = showJobs;
  dispose = page(root, navigate);
}

function navigate(path: string): void {
  if (path !== location.pathname + location.search) history.pushState(null, "", path);
  route();
}

document.addEventListener("click", (e) => {
  const link = (e.target as Element).closest?.("a[href^='/']");
  if (!link || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
  e.preventDefault();
  navigate(link.getAttribute("href")!);
});
window.addEventListener("popstate", route);

// Asked once per browser session: the key lives in sessionStorage, never on disk.
let asking = false;
onKeyNeeded((refused, message) => {
  if (asking) return;
  asking = true;
  const input = el("input", { type: "password", id: "api-key", autocomplete: "off", placeholder: "API key" });
  const form = el(
    "form",
    { class: "key-form" },
    el("span", {}, refused ? `That API key was refused (${message}). Enter another:` : "This server needs an API key:"),
    input,
    el("button", { type: "submit" }, "Use key"),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!input.value.trim()) return;
    setApiKey(input.value.trim());
    asking = false;
    banner.hidden = true;
    route();
  });
  banner.className = refused ? "banner error" : "banner";
  banner.replaceChildren(form);
  banner.hidden = false;
  input.focus();
});

route();
