/**
 * Server-Sent Events over `fetch` streaming: no EventSource, so it runs in
 * browsers, workers and Node alike, can send headers (EventSource cannot), and
 * resumes exactly: on reconnect it sends `Last-Event-ID: <last cursor>` and the
 * node continues strictly after it, without gaps or duplicates.
 */

import type { RouteDef, RouteInput, RouteOutput } from "@urbis/protocol";
import { errorFromResponse, UrbisApiError } from "./errors.js";
import { type CallOptions, type ClientConfig, routeUrl } from "./http.js";

/** One dispatched SSE message. */
export interface SseMessage {
  /** The `id:` field, if the message had one. */
  id: string | undefined;
  /** The `event:` field (default `message`). */
  event: string;
  data: string;
  /** A `retry:` field, in ms, if the message had one. */
  retry: number | undefined;
}

/**
 * Parses an SSE byte stream into messages (WHATWG HTML §9.2.6): lines end in
 * CRLF, LF or CR; `:` lines are comments (heartbeats); a blank line dispatches.
 */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  let data: string[] = [];
  let event = "";
  let id: string | undefined;
  let retry: number | undefined;
  let hasFields = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buf += done ? decoder.decode() : decoder.decode(value, { stream: true });
      for (;;) {
        const m = /\r\n|\n|\r/.exec(buf);
        // A CR at the very end may be the first half of a CRLF split across chunks.
        if (!m || (m[0] === "\r" && m.index === buf.length - 1 && !done)) break;
        const line = buf.slice(0, m.index);
        buf = buf.slice(m.index + m[0].length);
        if (line === "") {
          if (hasFields) yield { id, event: event || "message", data: data.join("\n"), retry };
          data = [];
          event = "";
          id = undefined;
          retry = undefined;
          hasFields = false;
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let val = colon < 0 ? "" : line.slice(colon + 1);
        if (val.startsWith(" ")) val = val.slice(1);
        hasFields = true;
        if (field === "data") data.push(val);
        else if (field === "event") event = val;
        else if (field === "id" && !val.includes("\0")) id = val;
        else if (field === "retry" && /^[0-9]+$/.test(val)) retry = Number(val);
      }
      if (done) return;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** Options of a resumable stream. */
export interface StreamCallOptions extends Omit<CallOptions, "timeoutMs"> {
  /** Reconnect when the connection drops or the server ends the stream. Default true. */
  reconnect?: boolean;
  /** Give up after this many consecutive failed connection attempts. Default Infinity. */
  maxRetries?: number;
  /** First reconnect delay, ms (the server's `retry:` hint overrides it). Default 1000. */
  retryDelayMs?: number;
  /** Longest reconnect delay (backoff doubles up to it), ms. Default 30 000. */
  maxRetryDelayMs?: number;
  /** Called before each reconnect attempt. */
  onReconnect?(info: { attempt: number; lastCursor: string | undefined; error: unknown }): void;
}

/** A live stream of items; iterate it with `for await`, stop by breaking out or calling `close()`. */
export interface UrbisStream<T> extends AsyncIterable<T> {
  /** Cursor of the last item delivered: pass it as `after` to resume later. */
  readonly lastCursor: string | undefined;
  /** Stops the stream (ends a pending iteration). */
  close(): void;
}

/** Statuses worth retrying: the node is busy or briefly unavailable. */
function retriable(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Opens an SSE route as an async iterable of its items, reconnecting with the
 * last cursor as `Last-Event-ID`. Items must carry a `cursor` (used when a
 * message has no `id:`).
 */
export function openStream<R extends RouteDef>(
  cfg: ClientConfig,
  route: R,
  input: RouteInput<R>,
  opts: StreamCallOptions = {},
): UrbisStream<RouteOutput<R>> {
  const ac = new AbortController();
  const onOuterAbort = () => ac.abort(opts.signal?.reason);
  if (opts.signal?.aborted) ac.abort(opts.signal.reason);
  else opts.signal?.addEventListener("abort", onOuterAbort, { once: true });

  const parts = input as Partial<Record<"params" | "query", unknown>>;
  const url = routeUrl(cfg.baseUrl, route, parts);
  let lastCursor = (parts.query as { after?: string } | undefined)?.after;
  let started = false;

  async function* run(): AsyncGenerator<RouteOutput<R>> {
    const reconnect = opts.reconnect ?? true;
    const maxRetries = opts.maxRetries ?? Number.POSITIVE_INFINITY;
    const maxDelay = opts.maxRetryDelayMs ?? 30_000;
    let baseDelay = opts.retryDelayMs ?? 1000;
    let failures = 0;
    try {
      for (;;) {
        let error: unknown;
        try {
          const headers: Record<string, string> = { accept: "text/event-stream", ...cfg.headers, ...opts.headers };
          // Only once we have seen an item: the first request starts where the query says.
          if (lastCursor !== undefined && started) headers["last-event-id"] = lastCursor;
          const res = await cfg.fetch(url, { method: "GET", headers, signal: ac.signal });
          if (!res.ok) {
            const err = await errorFromResponse(res);
            if (!reconnect || !retriable(res.status)) throw err;
            error = err;
          } else if (!res.body) {
            throw new TypeError("the response has no body to stream");
          } else {
            for await (const msg of parseSse(res.body)) {
              if (msg.retry !== undefined) baseDelay = msg.retry;
              if (msg.data === "") continue;
              const item = JSON.parse(msg.data) as { cursor?: string };
              lastCursor = msg.id ?? item.cursor ?? lastCursor;
              started = true;
              failures = 0;
              yield item as Awaited<RouteOutput<R>>;
            }
          }
        } catch (e) {
          if (ac.signal.aborted) return;
          if (e instanceof UrbisApiError || !reconnect) throw e;
          error = e;
        }
        if (ac.signal.aborted || !reconnect) return;
        failures++;
        if (failures > maxRetries) throw error ?? new Error("event stream ended");
        opts.onReconnect?.({ attempt: failures, lastCursor, error });
        // The first retry after a clean stream uses the server's hint; repeated failures back off.
        await sleep(Math.min(maxDelay, baseDelay * 2 ** Math.max(0, failures - 1)), ac.signal);
        if (ac.signal.aborted) return;
      }
    } finally {
      opts.signal?.removeEventListener("abort", onOuterAbort);
      ac.abort();
    }
  }

  const gen = run();
  return {
    get lastCursor() {
      return lastCursor;
    },
    close() {
      ac.abort();
    },
    [Symbol.asyncIterator]() {
      return gen;
    },
  };
}
