// The submit form. The server checks the spec: its google.rpc.BadRequest field violations are shown
// next to the fields they name (anything the form has no field for goes under "More of the spec").
import { fromJson, type JsonObject } from "@bufbuild/protobuf";
import { errorText, fieldViolations, jobs, needsKey } from "./api";
import { el } from "./format";
import { JobSpecSchema, SearchStrategy } from "./gen/burst/v1/job_pb";
import type { Navigate } from "./main";

interface Field {
  name: string;
  label: string;
  path: string;
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  hint?: string;
}

const advancedPath = "spec";

export function showSubmit(root: HTMLElement, navigate: Navigate): () => void {
  const strategy = el("select", {}, el("option", { value: "" }, "Server default (random)"));
  for (const [name, value] of Object.entries(SearchStrategy)) {
    if (typeof value === "number" && value !== SearchStrategy.UNSPECIFIED) strategy.append(el("option", { value: `SEARCH_STRATEGY_${name}` }, name.toLowerCase().replace(/_/g, " ")));
  }
  const number = (placeholder: string) => el("input", { type: "number", inputmode: "numeric", placeholder });
  const fields: Field[] = [
    { name: "display_name", label: "Name", path: "spec.display_name", input: el("input", { type: "text", placeholder: "optional" }) },
    { name: "trials", label: "Trials", path: "spec.search.trials", input: number("20") },
    { name: "strategy", label: "Strategy", path: "spec.search.strategy", input: strategy },
    { name: "workers", label: "Workers", path: "spec.search.workers", input: number("1") },
    { name: "folds", label: "Folds", path: "spec.search.folds", input: number("3") },
    { name: "train_uri", label: "Training data URI", path: "spec.dataset.train_uri", input: el("input", { type: "text", placeholder: "bundled Census data" }) },
    { name: "test_uri", label: "Test data URI", path: "spec.dataset.test_uri", input: el("input", { type: "text", placeholder: "bundled Census test data" }) },
    {
      name: "spec_json",
      label: "More of the spec (proto3 JSON, optional)",
      path: advancedPath,
      input: el("textarea", { rows: "4", placeholder: '{"search": {"space": {"n_estimators": {"int_range": {"low": 5, "high": 20}}}}}' }),
      hint: "Merged under the fields above, e.g. search.space, search.configs, limits.",
    },
  ];
  const errors = new Map<string, HTMLElement>();
  const general = el("p", { class: "form-error", id: "form-error", role: "alert" });
  const button = el("button", { type: "submit", id: "submit-job" }, "Submit");
  const form = el("form", { class: "submit", id: "submit-form", novalidate: "" });
  for (const f of fields) {
    const id = `f-${f.name}`;
    f.input.id = id;
    f.input.name = f.name;
    f.input.setAttribute("data-field", f.path);
    const error = el("span", { class: "field-error", id: `${id}-error`, role: "alert" });
    f.input.setAttribute("aria-describedby", error.id);
    errors.set(f.path, error);
    form.append(el("div", { class: "field" }, el("label", { for: id }, f.label), f.input, f.hint ? el("small", { class: "muted" }, f.hint) : "", error));
  }
  form.append(general, button);
  root.append(el("h1", {}, "Submit a job"), form);

  let requestId = crypto.randomUUID();
  form.addEventListener("input", () => {
    // A changed form is a new request; an unchanged resubmit (a double click) stays idempotent.
    requestId = crypto.randomUUID();
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    for (const error of errors.values()) error.textContent = "";
    for (const f of fields) f.input.removeAttribute("aria-invalid");
    general.textContent = "";
    const built = buildSpec(fields);
    if (typeof built === "string") {
      show(advancedPath, built);
      return;
    }
    button.disabled = true;
    try {
      const job = await jobs.submitJob({ requestId, spec: built });
      navigate(`/jobs/${encodeURIComponent(job.jobId)}`);
    } catch (err) {
      if (needsKey(err)) return;
      const violations = fieldViolations(err);
      if (violations.length === 0) general.textContent = errorText(err);
      for (const v of violations) show(v.field, v.description);
    } finally {
      button.disabled = false;
    }
  });

  function show(path: string, message: string): void {
    // The field itself, else the nearest field above it (spec.search.configs[3] -> the JSON box).
    let target = path;
    while (!errors.has(target) && target.includes(".")) target = target.slice(0, Math.max(target.lastIndexOf("."), target.lastIndexOf("[")));
    const error = errors.get(target);
    const text = target === path ? message : `${path}: ${message}`;
    if (!error) {
      general.textContent += (general.textContent ? " " : "") + text;
      return;
    }
    error.textContent += (error.textContent ? " " : "") + text;
    fields.find((f) => f.path === target)?.input.setAttribute("aria-invalid", "true");
  }
  return () => {};
}

function buildSpec(fields: Field[]) {
  const value = (name: string) => fields.find((f) => f.name === name)!.input.value.trim();
  let json: JsonObject = {};
  if (value("spec_json")) {
    try {
      const parsed: unknown = JSON.parse(value("spec_json"));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return "must be a JSON object (a burst.v1.JobSpec).";
      json = parsed as JsonObject;
    } catch (e) {
      return `is not JSON: ${(e as Error).message}`;
    }
  }
  const search = { ...((json.search as JsonObject | undefined) ?? {}) };
  const dataset = { ...((json.dataset as JsonObject | undefined) ?? {}) };
  // Numbers go as typed: "1.5" or "-1" reach the server, which names the field that is wrong.
  for (const name of ["trials", "workers", "folds"]) if (value(name)) search[name] = Number(value(name));
  if (value("strategy")) search.strategy = value("strategy");
  if (value("train_uri")) dataset.train_uri = value("train_uri");
  if (value("test_uri")) dataset.test_uri = value("test_uri");
  if (value("display_name")) json.display_name = value("display_name");
  if (Object.keys(search).length) json.search = search;
  if (Object.keys(dataset).length) json.dataset = dataset;
  try {
    return fromJson(JobSpecSchema, json);
  } catch (e) {
    return (e as Error).message;
  }
}
