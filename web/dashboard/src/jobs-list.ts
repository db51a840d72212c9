// The jobs list: state, progress, best score, cost and age, filtered by state, polled every 2 s.
import { errorText, jobs, needsKey } from "./api";
import { age, el, score, stateName, usd } from "./format";
import { JobState, type Job } from "./gen/burst/v1/job_pb";
import type { Navigate } from "./main";

const pollMs = 2000;

export function showJobs(root: HTMLElement, _navigate: Navigate): () => void {
  const params = new URLSearchParams(location.search);
  const filter = el("select", { id: "state-filter", "aria-label": "State" }, el("option", { value: "" }, "All states"));
  for (const [name, value] of Object.entries(JobState)) {
    if (typeof value === "number" && value !== JobState.UNSPECIFIED) filter.append(el("option", { value: name }, stateName(value)));
  }
  filter.value = params.get("state") ?? "";
  const status = el("p", { class: "muted", id: "jobs-status" }, "Loading…");
  const body = el("tbody");
  const table = el(
    "table",
    { class: "jobs", id: "jobs" },
    el("thead", {}, el("tr", {}, ...["Job", "State", "Progress", "Best", "Cost", "Age"].map((h) => el("th", {}, h)))),
    body,
  );
  root.append(
    el("div", { class: "bar" }, el("h1", {}, "Jobs"), filter, el("a", { href: "/submit", class: "button" }, "Submit a job")),
    status,
    el("div", { class: "scroll" }, table),
  );

  let stopped = false;
  let timer: number | undefined;
  const abort = new AbortController();
  async function poll(): Promise<void> {
    try {
      const state = filter.value ? JobState[filter.value as keyof typeof JobState] : JobState.UNSPECIFIED;
      const response = await jobs.listJobs({ pageSize: 200, state }, { signal: abort.signal });
      if (stopped) return;
      render(body, response.jobs);
      status.textContent = response.jobs.length === 0 ? "No jobs yet. Submit one, or run `burst submit`." : "";
    } catch (e) {
      if (stopped) return;
      if (needsKey(e)) return;
      status.textContent = `Cannot list jobs: ${errorText(e)}`;
    }
    if (!stopped) timer = window.setTimeout(poll, pollMs);
  }
  filter.addEventListener("change", () => {
    history.replaceState(null, "", filter.value ? `/?state=${filter.value}` : "/");
    window.clearTimeout(timer);
    void poll();
  });
  void poll();
  return () => {
    stopped = true;
    abort.abort();
    window.clearTimeout(timer);
  };
}

function render(body: HTMLElement, list: Job[]): void {
  const now = Date.now();
  body.replaceChildren(
    ...list.map((job) => {
      const p = job.progress;
      const done = p?.trialsDone ?? 0;
      const total = p?.trialsTotal ?? 0;
      const bar = el("progress", { max: String(Math.max(total, 1)), value: String(done) });
      const state = stateName(job.state);
      return el(
        "tr",
        { "data-job": job.jobId },
        el(
          "td",
          {},
          el("a", { href: `/jobs/${encodeURIComponent(job.jobId)}` }, job.jobId),
          job.spec?.displayName ? el("div", { class: "muted" }, job.spec.displayName) : "",
        ),
        el("td", {}, el("span", { class: `state state-${state.toLowerCase()}` }, state)),
        el("td", {}, bar, ` ${done}/${total}`),
        el("td", {}, done > 0 ? score(p?.bestScore) : "–"),
        el("td", {}, usd(job.cost?.estimatedUsd)),
        el("td", {}, age(job.createTime, now)),
      );
    }),
  );
}
