// One job, followed live: header and progress with ETA, the two charts, leaderboard, workers, cost,
// event log and a cancel button. What it has seen is kept in sessionStorage, so a reload resumes the
// watch after the last sequence instead of replaying the job.
import { Code, ConnectError } from "@connectrpc/connect";
import { errorText, jobs, needsKey } from "./api";
import { ParamChart, TrialChart } from "./charts";
import { clockTime, el, params, score, seconds, span, stateName, terminalStates, usd } from "./format";
import type { JobEvent } from "./gen/burst/v1/event_pb";
import { JobState, Scoring, WorkerState, type Job, type Progress } from "./gen/burst/v1/job_pb";
import type { Navigate } from "./main";

/** What the page keeps of a job: enough to draw everything without a replay. */
interface Seen {
  lastSeq: number;
  trials: TrialPoint[];
  workers: Record<string, WorkerRow>;
  log: LogRow[];
}

interface TrialPoint {
  id: number;
  score: number;
  params: Record<string, number>;
  worker: string;
  rung: number;
}

interface WorkerRow {
  state: string;
  instance: string;
  reason: string;
}

interface LogRow {
  seq: number;
  time: string;
  kind: string;
  text: string;
}

const logCap = 300;
const storeEveryMs = 1000;

declare global {
  interface Window {
    /** Draw times of the job page's batches, for bench/dashboard.mjs; a ring of the last 5000. */
    burstDraws?: { ms: number; events: number; trials: number }[];
  }
}

export function showJob(root: HTMLElement, _navigate: Navigate, jobId: string): () => void {
  const storeKey = `burst.job.${jobId}`;
  const seen: Seen = restore(storeKey) ?? { lastSeq: 0, trials: [], workers: {}, log: [] };
  let job: Job | undefined;
  let lowerIsBetter = false;
  let stopped = false;
  const abort = new AbortController();

  const title = el("h1", { id: "job-title" }, jobId);
  const state = el("span", { class: "state", id: "job-state" }, "…");
  const cancel = el("button", { id: "cancel-job", class: "danger", hidden: "" }, "Cancel job");
  const status = el("p", { class: "muted", id: "job-status" });
  // A refused cancel (PERMISSION_DENIED for a read key, say) is an error the user caused: shown as one, apart from the stream's status.
  const cancelError = el("p", { class: "form-error", id: "cancel-error", role: "alert" });
  const bar = el("progress", { id: "job-progress", max: "1", value: "0" });
  const progressText = el("span", { id: "job-progress-text" });
  const eta = el("span", { id: "job-eta", class: "muted" });
  const best = el("strong", { id: "job-best" }, "–");
  const cost = el("strong", { id: "job-cost" }, "–");
  const phase = el("span", { id: "job-phase", class: "muted" });
  const result = el("div", { id: "job-result" });
  const noTrials = el("p", { class: "muted", id: "no-trials" }, "No trials yet.");
  const trialBox = el("div", { class: "chart", id: "trial-chart" });
  const paramSelect = el("select", { id: "param-select", "aria-label": "Parameter" });
  const paramBox = el("div", { class: "chart", id: "param-chart" });
  const leaderboard = el("tbody");
  const workers = el("tbody");
  const log = el("ol", { class: "log", id: "event-log" });

  root.append(
    el("div", { class: "bar" }, title, state, cancel),
    cancelError,
    status,
    el(
      "section",
      { class: "summary" },
      el("div", { class: "progress-line" }, bar, progressText, eta),
      el("div", { class: "figures" }, el("span", {}, "Best ", best), el("span", {}, "Cost ", cost), phase),
      result,
    ),
    el(
      "div",
      { class: "grid" },
      el("section", {}, el("h2", {}, "Trials"), noTrials, trialBox),
      el("section", {}, el("div", { class: "bar" }, el("h2", {}, "Score by parameter"), paramSelect), paramBox),
      el(
        "section",
        {},
        el("h2", {}, "Leaderboard"),
        el("div", { class: "scroll" }, el("table", { id: "leaderboard" }, el("thead", {}, el("tr", {}, ...["#", "Trial", "Score", "Params", "Worker"].map((h) => el("th", {}, h)))), leaderboard)),
      ),
      el(
        "section",
        {},
        el("h2", {}, "Workers"),
        el("div", { class: "scroll" }, el("table", { id: "workers" }, el("thead", {}, el("tr", {}, ...["Worker", "State", "Trials", "Machine"].map((h) => el("th", {}, h)))), workers)),
      ),
    ),
    el("section", {}, el("h2", {}, "Events"), log),
  );

  const trialChart = new TrialChart(trialBox);
  const paramChart = new ParamChart(paramBox);
  const onResize = () => {
    trialChart.resize();
    paramChart.resize();
  };
  window.addEventListener("resize", onResize);
  paramSelect.addEventListener("change", () => {
    paramsDirty = true;
    schedule();
  });

  cancel.addEventListener("click", async () => {
    if (!confirm(`Cancel job ${jobId}? Its workers are stopped and it cannot be resumed.`)) return;
    cancel.disabled = true;
    cancelError.textContent = "";
    try {
      job = await jobs.cancelJob({ jobId, reason: "cancelled from the dashboard" });
      schedule();
    } catch (e) {
      if (!needsKey(e)) cancelError.textContent = `Cannot cancel: ${errorText(e)}`;
    } finally {
      cancel.disabled = false;
    }
  });

  // Applying events only changes state; drawing happens once per animation frame for the whole batch.
  let pending = 0;
  let frame = 0;
  let logRendered = 0;
  let paramsDirty = true;
  let lastStored = 0;
  let storeTimer: number | undefined;

  function apply(event: JobEvent): void {
    const seq = Number(event.sequence);
    if (seq <= seen.lastSeq) return;
    seen.lastSeq = seq;
    pending++;
    const kind = event.kind;
    const time = clockTime(event.time);
    const line = (k: string, text: string) => {
      seen.log.push({ seq, time, kind: k, text });
      if (seen.log.length > logCap) seen.log.splice(0, seen.log.length - logCap);
    };
    if (!job) return;
    switch (kind.case) {
      case "stateChanged":
        job.state = kind.value.state;
        if (kind.value.error) job.error = kind.value.error;
        line("state", `${stateName(kind.value.previous)} → ${stateName(kind.value.state)}${kind.value.reason ? `: ${kind.value.reason}` : ""}`);
        break;
      case "progress":
        job.progress = kind.value;
        break;
      case "trial": {
        const t = kind.value;
        seen.trials.push({ id: t.trialId, score: t.meanScore, params: { ...(t.params?.values ?? {}) }, worker: t.workerId, rung: t.rung });
        paramsDirty = true;
        line("trial", `trial ${t.trialId}${t.rung ? ` (rung ${t.rung})` : ""}: ${score(t.meanScore)} on ${t.workerId || "?"} — ${params(t.params?.values)}`);
        break;
      }
      case "worker": {
        const w = kind.value;
        const stateText = (WorkerState[w.state] ?? String(w.state)).toLowerCase();
        seen.workers[w.workerId] = { state: stateText, instance: w.instance || seen.workers[w.workerId]?.instance || "", reason: w.reason };
        line("worker", `worker ${w.workerId} ${stateText}${w.instance ? ` (${w.instance})` : ""}${w.reason ? `: ${w.reason}` : ""}`);
        break;
      }
      case "log":
        line(`log ${kind.value.level.toLowerCase()}`, `${kind.value.workerId ? `${kind.value.workerId}: ` : ""}${kind.value.message}`);
        break;
      case "result":
        job.result = kind.value;
        line("result", `best trial ${kind.value.bestTrialId}, CV ${score(kind.value.cvBest)}${kind.value.modelUri ? `, model ${kind.value.modelUri}` : ""}`);
        break;
      case "cost":
        job.cost = kind.value;
        break;
    }
  }

  function schedule(): void {
    if (!frame && !stopped) frame = requestAnimationFrame(draw);
  }

  function draw(): void {
    frame = 0;
    if (!job) return;
    const start = performance.now();
    const events = pending;
    pending = 0;
    drawSummary(job);
    if (paramsDirty) drawCharts();
    drawTables(job.progress);
    drawLog();
    persist();
    // uPlot draws in a microtask: measure after it, with layout forced, so the figure is the whole batch.
    queueMicrotask(() => {
      void document.body.offsetHeight;
      const draws = (window.burstDraws ??= []);
      draws.push({ ms: performance.now() - start, events, trials: seen.trials.length });
      if (draws.length > 5000) draws.splice(0, draws.length - 5000);
    });
  }

  function drawSummary(j: Job): void {
    const name = stateName(j.state);
    state.textContent = name;
    state.className = `state state-${name.toLowerCase()}`;
    title.textContent = j.spec?.displayName ? `${j.spec.displayName} (${jobId})` : jobId;
    cancel.hidden = terminalStates.has(j.state) || j.state === JobState.CANCELLING;
    const p = j.progress;
    const done = p?.trialsDone ?? seen.trials.length;
    const total = p?.trialsTotal ?? 0;
    bar.max = Math.max(total, 1);
    bar.value = j.state === JobState.SUCCEEDED ? bar.max : done;
    progressText.textContent = `${done}/${total} trials`;
    const etaSeconds = seconds(p?.eta);
    eta.textContent = terminalStates.has(j.state) ? "" : etaSeconds !== undefined ? `ETA ${span(etaSeconds)}` : "ETA unknown";
    best.textContent = done > 0 || seen.trials.length > 0 ? score(p?.bestScore ?? bestOf()) : "–";
    const local = !j.spec?.resources?.provider || j.spec.resources.provider === "local";
    cost.textContent = j.cost
      ? `${usd(j.cost.estimatedUsd)}${j.cost.vmSeconds ? ` (${span(j.cost.vmSeconds)} of VM time)` : ""}`
      : local
        ? "$0 (local workers)"
        : "–";
    phase.textContent = p?.phase ? `phase: ${p.phase}` : "";
    if (j.result && j.state === JobState.SUCCEEDED) {
      const m = j.result.testMetrics;
      result.replaceChildren(
        el("span", {}, `Refit best trial ${j.result.bestTrialId}: CV ${score(j.result.cvBest)}`),
        m ? el("span", {}, ` · test accuracy ${score(m.accuracy)}, ROC AUC ${score(m.rocAuc)}, log loss ${score(m.logLoss)}`) : "",
        j.result.modelUri ? el("div", { class: "muted" }, `model: ${j.result.modelUri}`) : "",
      );
    } else if (j.error && j.state === JobState.FAILED) {
      result.replaceChildren(el("span", { class: "form-error" }, `${j.error.reason}: ${j.error.message}`));
    }
  }

  function better(a: number, b: number): boolean {
    return lowerIsBetter ? a < b : a > b;
  }

  function bestOf(): number | undefined {
    let b: number | undefined;
    for (const t of seen.trials) if (b === undefined || better(t.score, b)) b = t.score;
    return b;
  }

  function drawCharts(): void {
    paramsDirty = false;
    const scores = seen.trials.map((t) => t.score);
    const bests: number[] = [];
    for (const s of scores) bests.push(bests.length === 0 || better(s, bests[bests.length - 1]) ? s : bests[bests.length - 1]);
    trialChart.set(scores, bests);
    noTrials.hidden = scores.length > 0;
    paramSelect.hidden = scores.length === 0;

    const names = new Set<string>();
    for (const t of seen.trials) for (const k of Object.keys(t.params)) names.add(k);
    const sorted = [...names].sort();
    if (sorted.join() !== [...paramSelect.options].map((o) => o.value).join()) {
      const chosen = paramSelect.value;
      paramSelect.replaceChildren(...sorted.map((n) => el("option", { value: n }, n)));
      paramSelect.value = sorted.includes(chosen) ? chosen : sorted.includes("learning_rate") ? "learning_rate" : (sorted[0] ?? "");
    }
    const name = paramSelect.value;
    if (name) paramChart.set(name, seen.trials.filter((t) => name in t.params).map((t) => [t.params[name], t.score] as [number, number]));
  }

  function drawTables(p: Progress | undefined): void {
    // The server's leaderboard and worker list when it sends them; else derived from the events seen.
    const rows =
      p && p.leaderboard.length > 0
        ? p.leaderboard.map((e) => ({ id: e.trialId, score: e.meanScore, params: e.params?.values ?? {}, worker: e.workerId || (e.jobId ? `from ${e.jobId}` : "") }))
        : [...seen.trials].sort((a, b) => (better(a.score, b.score) ? -1 : better(b.score, a.score) ? 1 : a.id - b.id)).slice(0, 10);
    leaderboard.replaceChildren(
      ...rows.map((r, i) => el("tr", {}, el("td", {}, String(i + 1)), el("td", {}, String(r.id)), el("td", {}, score(r.score)), el("td", { class: "params" }, params(r.params)), el("td", {}, r.worker))),
    );

    const perWorker = new Map<string, number>();
    for (const t of seen.trials) perWorker.set(t.worker, (perWorker.get(t.worker) ?? 0) + 1);
    const list =
      p && p.workers.length > 0
        ? p.workers.map((w) => ({
            id: w.workerId,
            state: (WorkerState[w.state] ?? String(w.state)).toLowerCase() + (w.refitting ? " (refit)" : ""),
            trials: `${w.trialsDone}${w.trialsRunning ? ` (+${w.trialsRunning} running)` : ""}`,
            instance: seen.workers[w.workerId]?.instance ?? "",
          }))
        : Object.entries(seen.workers).map(([id, w]) => ({ id, state: w.state, trials: String(perWorker.get(id) ?? 0), instance: w.instance }));
    workers.replaceChildren(...list.map((w) => el("tr", {}, el("td", {}, w.id), el("td", {}, w.state), el("td", {}, w.trials), el("td", {}, w.instance))));
  }

  function drawLog(): void {
    // Newest first; only the rows not drawn yet are added, and the list keeps at most logCap rows.
    const fresh = seen.log.filter((r) => r.seq > logRendered);
    if (fresh.length === 0) return;
    logRendered = fresh[fresh.length - 1].seq;
    const rows = fresh.slice(-logCap).map((r) => el("li", { class: `ev ev-${r.kind.split(" ")[0]}` }, el("span", { class: "muted" }, `${r.time} #${r.seq} `), r.text));
    log.prepend(...rows.reverse());
    while (log.childElementCount > logCap) log.lastElementChild!.remove();
  }

  function persist(force = false): void {
    const now = Date.now();
    if (!force && now - lastStored < storeEveryMs) {
      storeTimer ??= window.setTimeout(() => {
        storeTimer = undefined;
        persist(true);
      }, storeEveryMs);
      return;
    }
    lastStored = now;
    try {
      sessionStorage.setItem(storeKey, JSON.stringify(seen));
    } catch {
      // A full sessionStorage only costs the resume: a reload then replays the job.
    }
  }

  async function follow(): Promise<void> {
    let attempt = 0;
    while (!stopped) {
      try {
        job = await jobs.getJob({ jobId }, { signal: abort.signal });
        lowerIsBetter = job.spec?.search?.scoring === Scoring.LOG_LOSS;
        if (seen.lastSeq > Number(job.lastSequence)) {
          // Stored state from another server with the same job id: start over.
          Object.assign(seen, { lastSeq: 0, trials: [], workers: {}, log: [] });
        }
        paramsDirty = true;
        schedule();
        status.textContent = seen.lastSeq > 0 ? `Resumed after event ${seen.lastSeq}.` : "";
        for await (const event of jobs.watchJob({ jobId, afterSequence: BigInt(seen.lastSeq) }, { signal: abort.signal })) {
          if (attempt > 0) status.textContent = "";
          apply(event);
          schedule();
          attempt = 0;
        }
        // The watch ends (OK) after the terminal StateChanged.
        if (terminalStates.has(job.state)) {
          persist(true);
          return;
        }
      } catch (e) {
        if (stopped) return;
        if (needsKey(e)) return;
        const code = ConnectError.from(e).code;
        if (code === Code.NotFound || code === Code.InvalidArgument) {
          status.textContent = `No such job: ${errorText(e)}`;
          return;
        }
        status.textContent = `Connection lost (${errorText(e)}); reconnecting…`;
      }
      await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 10000)));
      attempt++;
    }
  }
  void follow();

  return () => {
    stopped = true;
    abort.abort();
    cancelAnimationFrame(frame);
    window.clearTimeout(storeTimer);
    window.removeEventListener("resize", onResize);
    persist(true);
    trialChart.destroy();
    paramChart.destroy();
  };
}

function restore(key: string): Seen | undefined {
  try {
    const text = sessionStorage.getItem(key);
    return text ? (JSON.parse(text) as Seen) : undefined;
  } catch {
    return undefined;
  }
}
