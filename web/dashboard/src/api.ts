// The one JobService client of the page: gRPC-Web on the page's own origin, with the API key
// (when the server asks for one) sent as `authorization: Bearer KEY`.
import { createClient, Code, ConnectError, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { BinaryReader } from "@bufbuild/protobuf/wire";
import { JobService } from "./gen/burst/v1/job_service_pb";

const keyItem = "burst.apiKey";

export function apiKey(): string | null {
  return sessionStorage.getItem(keyItem);
}

export function setApiKey(key: string | null): void {
  if (key) sessionStorage.setItem(keyItem, key);
  else sessionStorage.removeItem(keyItem);
}

const auth: Interceptor = (next) => async (req) => {
  const key = apiKey();
  if (key) req.header.set("authorization", `Bearer ${key}`);
  return next(req);
};

export const jobs: Client<typeof JobService> = createClient(
  JobService,
  createGrpcWebTransport({ baseUrl: location.origin, interceptors: [auth] }),
);

/** Listeners told when the server refuses a call for want of a (good) key. */
const keyListeners = new Set<(refused: boolean, message: string) => void>();
export function onKeyNeeded(listener: (refused: boolean, message: string) => void): void {
  keyListeners.add(listener);
}

/**
 * True (after asking for a key) when the error is UNAUTHENTICATED: the caller retries once a key
 * is given. A key that was sent and still refused is dropped, and the page says it was refused.
 */
export function needsKey(error: unknown): boolean {
  const e = ConnectError.from(error);
  if (e.code !== Code.Unauthenticated) return false;
  const refused = apiKey() !== null;
  if (refused) setApiKey(null);
  for (const listener of keyListeners) listener(refused, e.rawMessage);
  return true;
}

export interface FieldViolation {
  field: string;
  description: string;
}

/** The google.rpc.BadRequest field violations of an INVALID_ARGUMENT (from grpc-status-details-bin). */
export function fieldViolations(error: unknown): FieldViolation[] {
  const e = ConnectError.from(error);
  const out: FieldViolation[] = [];
  for (const detail of e.details) {
    if (!("type" in detail) || detail.type !== "google.rpc.BadRequest") continue;
    // BadRequest { repeated FieldViolation field_violations = 1; } FieldViolation { string field = 1; string description = 2; }
    const reader = new BinaryReader(detail.value);
    while (reader.pos < reader.len) {
      const [number, wireType] = reader.tag();
      if (number !== 1) {
        reader.skip(wireType);
        continue;
      }
      const inner = new BinaryReader(reader.bytes());
      const violation: FieldViolation = { field: "", description: "" };
      while (inner.pos < inner.len) {
        const [n, w] = inner.tag();
        if (n === 1) violation.field = inner.string();
        else if (n === 2) violation.description = inner.string();
        else inner.skip(w);
      }
      out.push(violation);
    }
  }
  return out;
}

export function errorText(error: unknown): string {
  const e = ConnectError.from(error);
  return `${Code[e.code] ?? e.code}: ${e.rawMessage}`;
}
