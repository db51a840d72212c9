// Text for numbers, times and states, shared by the pages.
import type { Duration, Timestamp } from "@bufbuild/protobuf/wkt";
import { JobState } from "./gen/burst/v1/job_pb";

export function stateName(state: JobState): string {
  return (JobState[state] ?? String(state)).replace(/^JOB_STATE_/, "");
}

export const terminalStates = new Set([JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED]);

export function seconds(d: Duration | undefined): number | undefined {
  return d === undefined ? undefined : Number(d.seconds) + d.nanos / 1e9;
}

export function millis(t: Timestamp | undefined): number | undefined {
  return t === undefined ? undefined : Number(t.seconds) * 1000 + t.nanos / 1e6;
}

export function span(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

export function age(t: Timestamp | undefined, now = Date.now()): string {
  const ms = millis(t);
  return ms === undefined ? "" : `${span((now - ms) / 1000)} ago`;
}

export function score(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? "–" : value.toFixed(4);
}

export function usd(value: number | undefined): string {
  return value === undefined ? "–" : `$${value.toFixed(value < 1 ? 4 : 2)}`;
}

export function clockTime(t: Timestamp | undefined): string {
  const ms = millis(t);
  return ms === undefined ? "" : new Date(ms).toLocaleTimeString();
}

export function params(values: { [key: string]: number } | undefined): string {
  if (!values) return "";
  return Object.entries(values)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toPrecision(4)}`)
    .join(" ");
}

/** An element with attributes and children; text children are escaped by the DOM. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}
