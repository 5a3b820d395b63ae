/**
 * The one HTTP caller behind every client method: it reads method, path and
 * answer kind from a route definition, so no route has hand-written HTTP code.
 * Uses only `fetch`, `URL` and `AbortController` (browser-safe).
 */

import { ApiErrors, fillPath, type RouteDef, type RouteInput, type RouteOutput } from "@urbis/protocol";
import { SdkErrors } from "../errors.js";
import { errorFromResponse } from "./errors.js";

/** How a client reaches its node. */
export interface ClientConfig {
  /** Base URL of the node's API, e.g. `http://127.0.0.1:26657`. */
  baseUrl: string;
  /** The fetch to use (default: the global one). */
  fetch: typeof fetch;
  /** Headers sent with every request (e.g. an auth token for a gateway). */
  headers: Record<string, string>;
  /** Default per-call timeout, ms (0 = none). */
  timeoutMs: number;
}

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Overrides the client's timeout for this call, ms (0 = none). */
  timeoutMs?: number;
}

/** The URL of a call: base + path with parameters + query string (arrays as repeated keys). */
export function routeUrl(
  baseUrl: string,
  route: RouteDef,
  input: Partial<Record<"params" | "query", unknown>>,
): string {
  const path = fillPath(route.path, input.params as Record<string, string> | undefined);
  const url = new URL(baseUrl);
  // Keep a base path such as https://gw.example/urbis in front of the route's path.
  url.pathname = `${url.pathname.replace(/\/$/, "")}${path}`;
  url.search = "";
  const query = input.query as Record<string, unknown> | undefined;
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) for (const x of v) url.searchParams.append(k, String(x));
      else url.searchParams.append(k, String(v));
    }
  }
  return url.toString();
}

/**
 * An AbortSignal that fires on the caller's signal or after `timeoutMs`.
 * (Hand-rolled instead of AbortSignal.any/timeout, which older browsers lack.)
 */
export function linkedSignal(
  signal: AbortSignal | undefined,
  timeoutMs: number,
): { signal: AbortSignal; done(): void } {
  const ac = new AbortController();
  const onAbort = () => ac.abort(signal?.reason);
  if (signal?.aborted) ac.abort(signal.reason);
  else signal?.addEventListener("abort", onAbort, { once: true });
  const timer =
    timeoutMs > 0
      ? setTimeout(
          () => ac.abort(new DOMException(`request timed out after ${timeoutMs} ms`, "TimeoutError")),
          timeoutMs,
        )
      : undefined;
  return {
    signal: ac.signal,
    done() {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}

/** Calls a JSON or text route; a non-2xx answer throws an UrbisApiError. */
export async function callRoute<R extends RouteDef>(
  cfg: ClientConfig,
  route: R,
  input: RouteInput<R>,
  opts: CallOptions = {},
): Promise<RouteOutput<R>> {
  const parts = input as Partial<Record<"params" | "query" | "body", unknown>>;
  const headers: Record<string, string> = { accept: "application/json", ...cfg.headers, ...opts.headers };
  const init: RequestInit = { method: route.method, headers };
  if (route.body) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(parts.body ?? {});
  }
  const link = linkedSignal(opts.signal, opts.timeoutMs ?? cfg.timeoutMs);
  init.signal = link.signal;
  try {
    let res: Response;
    try {
      res = await cfg.fetch(routeUrl(cfg.baseUrl, route, parts), init);
    } catch (e) {
      // fetch rejects only when no HTTP answer came: unreachable, refused, reset, or aborted.
      if (link.signal.aborted && !opts.signal?.aborted) {
        throw ApiErrors.timeout.create(`no answer from ${cfg.baseUrl} within ${opts.timeoutMs ?? cfg.timeoutMs} ms`);
      }
      if (opts.signal?.aborted) throw e;
      throw SdkErrors.network.create(`cannot reach ${cfg.baseUrl}: ${(e as Error).cause ?? (e as Error).message}`);
    }
    if (!res.ok) throw await errorFromResponse(res);
    if (route.response.kind === "text") return (await res.text()) as RouteOutput<R>;
    return (await res.json()) as RouteOutput<R>;
  } finally {
    link.done();
  }
}
