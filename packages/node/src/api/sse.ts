/**
 * `GET /v1/stream`: NodeService.subscribe as Server-Sent Events.
 *
 * Each message is `id: <cursor>` / `event: block|event` / `data: <StreamItem JSON>`,
 * so a reconnecting EventSource (or the SDK) sends `Last-Event-ID` and resumes
 * strictly after the last item it saw: the node's cursor order has no gaps or
 * duplicates, and filtering is applied after it, so resuming a filtered stream
 * is exact too. Comment lines are heartbeats: they keep proxies from closing an
 * idle stream and let the server notice dead clients.
 */

import { ApiErrors, parseU64 } from "@urbis/protocol";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { NodeService, StreamItem } from "../service.js";
import type { ApiMetrics } from "./metrics.js";
import { streamItemToJson } from "./wire.js";

/** Tuning of the event stream. */
export interface StreamOptions {
  /** Interval of heartbeat comments, ms. */
  heartbeatMs: number;
  /** Most streams open at once; more are refused with `api.overloaded` (503). */
  maxStreams: number;
  /**
   * Most bytes queued for one client. A consumer that falls this far behind is
   * disconnected rather than buffered without bound; it resumes from its cursor.
   */
  maxBufferedBytes: number;
  /** Reconnect delay suggested to clients (the SSE `retry:` field), ms. */
  retryMs: number;
}

/** The stream's query string, as validated by the route schema. */
export interface StreamQuery {
  after?: string;
  fromHeight?: string;
  kinds?: string;
  types?: string;
  attr?: string | string[];
}

interface Filter {
  kinds: Set<string> | undefined;
  types: Set<string> | undefined;
  attrs: [string, string][];
}

function parseFilter(q: StreamQuery): Filter {
  const attrList = q.attr === undefined ? [] : Array.isArray(q.attr) ? q.attr : [q.attr];
  return {
    kinds: q.kinds ? new Set(q.kinds.split(",")) : undefined,
    types: q.types ? new Set(q.types.split(",")) : undefined,
    attrs: attrList.map((a) => {
      const i = a.indexOf("=");
      return [a.slice(0, i), a.slice(i + 1)];
    }),
  };
}

function matches(f: Filter, item: StreamItem): boolean {
  if (f.kinds && !f.kinds.has(item.kind)) return false;
  if (item.kind !== "event") return true;
  if (f.types && !f.types.has(item.event.type)) return false;
  return f.attrs.every(([k, v]) => item.event.attributes.some((a) => a.key === k && a.value === v));
}

function message(item: StreamItem): string {
  // JSON.stringify never emits a raw newline, so one `data:` line always suffices.
  return `id: ${item.cursor}\nevent: ${item.kind}\ndata: ${JSON.stringify(streamItemToJson(item))}\n\n`;
}

interface OpenStream {
  close(): void;
}

/** Serves and tracks the open event streams, so shutdown can end them. */
export class StreamHub {
  private readonly open = new Set<OpenStream>();

  constructor(
    private readonly node: NodeService,
    private readonly metrics: ApiMetrics,
    private readonly opts: StreamOptions,
  ) {}

  /** Streams currently open. */
  get size(): number {
    return this.open.size;
  }

  /**
   * Starts a stream. Throws (before anything is written, so the caller answers
   * a normal error) when the server is full or the node refuses the starting
   * point (e.g. a malformed or pruned cursor).
   */
  serve(request: FastifyRequest, reply: FastifyReply, query: StreamQuery, onDone: (seconds: number) => void): void {
    if (this.open.size >= this.opts.maxStreams) {
      throw ApiErrors.overloaded.create(`at most ${this.opts.maxStreams} streams may be open`);
    }
    const started = performance.now();
    const filter = parseFilter(query);
    // A reconnecting client's Last-Event-ID wins over the query it first connected with.
    const header = request.headers["last-event-id"];
    const lastEventId = typeof header === "string" && header.length > 0 ? header : undefined;
    const after = lastEventId ?? query.after;
    let fromHeight: bigint | undefined;
    if (after === undefined && query.fromHeight !== undefined) {
      fromHeight = parseU64(query.fromHeight);
      if (fromHeight === undefined) {
        throw ApiErrors.invalidRequest.create("fromHeight exceeds 2^64-1", { param: "fromHeight" });
      }
    }

    const raw = reply.raw;
    // Items the node replays synchronously inside subscribe() arrive before the headers are out.
    let pending: string[] | undefined = [];
    let closed = false;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    let unsubscribe: (() => void) | undefined;

    const stream: OpenStream = {
      close: () => {
        if (closed) return;
        closed = true;
        if (heartbeat) clearInterval(heartbeat);
        unsubscribe?.();
        this.open.delete(stream);
        this.metrics.streamsOpen.dec();
        if (!raw.writableEnded) raw.end();
        onDone((performance.now() - started) / 1000);
      },
    };

    const write = (chunk: string) => {
      if (closed) return;
      raw.write(chunk);
      if (raw.writableLength > this.opts.maxBufferedBytes) {
        request.log.warn({ buffered: raw.writableLength }, "event stream consumer too slow; disconnecting it");
        stream.close();
      }
    };

    const onItem = (item: StreamItem) => {
      // Runs inside the engine's delivery loop: it must never throw into it.
      try {
        if (closed || !matches(filter, item)) return;
        const msg = message(item);
        if (pending) pending.push(msg);
        else write(msg);
      } catch (e) {
        request.log.error({ err: e }, "event stream delivery failed");
        stream.close();
      }
    };

    const opts: { after?: string; fromHeight?: bigint } = {};
    if (after !== undefined) opts.after = after;
    else if (fromHeight !== undefined) opts.fromHeight = fromHeight;
    unsubscribe = this.node.subscribe(opts, onItem);

    this.open.add(stream);
    this.metrics.streamsOpen.inc();
    reply.hijack();
    raw.writeHead(200, {
      // Headers set earlier by hooks (CORS, request id) are on the reply, not the raw response.
      ...(reply.getHeaders() as Record<string, string>),
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      // Tells nginx-style proxies not to buffer the stream.
      "x-accel-buffering": "no",
    });
    raw.on("close", () => stream.close());
    raw.write(`retry: ${this.opts.retryMs}\n: stream open\n\n`);
    const queued = pending;
    pending = undefined;
    for (const msg of queued) write(msg);
    heartbeat = setInterval(() => write(`: heartbeat ${Date.now()}\n\n`), this.opts.heartbeatMs);
    heartbeat.unref?.();
  }

  /** Ends every open stream (at shutdown: an open stream would otherwise hold the server open). */
  closeAll(): void {
    for (const s of [...this.open]) s.close();
  }
}
