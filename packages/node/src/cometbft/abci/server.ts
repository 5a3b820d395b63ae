/**
 * The ABCI 2.0 socket server CometBFT drives the app through. CometBFT opens
 * four connections (consensus, mempool, query, snapshot) and sends framed
 * protobuf Requests on each; the server answers each connection strictly in
 * order. Every request of every connection runs through one serial executor,
 * so the app sees a single request at a time.
 *
 * Failure policy:
 * - The app throws (an InvariantViolation, or anything else): the request is
 *   answered with Response{exception}, `onFatal` is called once, and from then
 *   on every request is answered with an `abci.app_halted` exception without
 *   touching the app. CometBFT stops on an exception; the node exits.
 * - A connection sends a malformed or oversized frame, or bytes that do not
 *   decode: the error is logged, answered with an exception after the answers
 *   the connection is still owed, and that connection is closed. Other
 *   connections and the process carry on (CometBFT will stop by itself).
 * - A request with no known method: answered with an exception, not fatal.
 */
import { lstatSync, unlinkSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { InvariantViolation, UrbisError } from "@urbis/protocol";
import type { App } from "@urbis/state";
import type { Request, Response } from "cosmjs-types/tendermint/abci/types";
import { type AbciMethod, handleRequest, requestMethod } from "./adapter.js";
import { AbciErrors } from "./errors.js";
import { SerialExecutor } from "./executor.js";
import { DEFAULT_MAX_FRAME_BYTES, encodeResponseFrame, requestDecoder } from "./framing.js";

/** Options of {@link startAbciServer}. */
export interface AbciServerOptions {
  /** `unix:///path/to/app.sock` or `tcp://127.0.0.1:26658` (port 0 picks a free port). */
  address: string;
  app: App;
  /**
   * Called once, after the exception answer was written, when the app threw:
   * the node should log loudly and exit non-zero. The server keeps answering
   * every later request with an exception meanwhile.
   */
  onFatal: (err: unknown) => void;
  /** Structured log lines (`level`, `msg` and details). Default: none. */
  log?: (obj: Record<string, unknown>) => void;
  /** Largest request frame accepted, bytes. Default {@link DEFAULT_MAX_FRAME_BYTES} (128 MiB). */
  maxFrameBytes?: number;
}

/** A listening ABCI server. */
export interface AbciServer {
  /** The address it listens at (for `tcp://…:0`, with the chosen port). */
  readonly address: string;
  /** Stops listening, drops every connection and waits for the app call in progress, if any. */
  close(): Promise<void>;
  /** Open connections. */
  connections(): number;
}

type ListenTarget = { kind: "unix"; path: string } | { kind: "tcp"; host: string; port: number };

/** Parses `unix://<path>` or `tcp://<host>:<port>` (IPv6 hosts in brackets). */
export function parseAbciAddress(address: string): ListenTarget {
  if (address.startsWith("unix://")) {
    const path = address.slice("unix://".length);
    if (path.length > 0) return { kind: "unix", path };
  }
  const m = /^tcp:\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]+):(\d{1,5})$/.exec(address);
  if (m) {
    const port = Number(m[2]);
    if (port <= 65535) return { kind: "tcp", host: m[1]!.replace(/^\[|\]$/g, ""), port };
  }
  throw AbciErrors.invalidAddress.create(`bad ABCI address ${JSON.stringify(address)}`);
}

interface Conn {
  id: number;
  socket: Socket;
  /** No more answers are written (closed by the peer, by us, or after broken framing). */
  closed: boolean;
  /** This is CometBFT's consensus connection: its requests use the executor's priority lane. */
  priority: boolean;
  /** Requests of this connection queued or running. */
  pending: number;
}

/** Methods only CometBFT's consensus connection sends. */
const CONSENSUS_METHODS: ReadonlySet<string> = new Set([
  "initChain",
  "prepareProposal",
  "processProposal",
  "finalizeBlock",
  "commit",
  "extendVote",
  "verifyVoteExtension",
]);

function errorMessage(e: unknown): string {
  if (e instanceof UrbisError) return `${e.id}: ${e.message}`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

/** Whether something answers at a unix socket path (a live server, not a stale file). */
function unixSocketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** Starts the ABCI server; resolves once it listens. */
export async function startAbciServer(opts: AbciServerOptions): Promise<AbciServer> {
  const target = parseAbciAddress(opts.address);
  const maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const log = opts.log ?? (() => {});
  const app = opts.app;
  const executor = new SerialExecutor();
  const conns = new Set<Conn>();
  let nextId = 1;
  let halted: unknown;
  let isHalted = false;
  let fatalCalled = false;

  if (target.kind === "unix") {
    let isSocket = false;
    try {
      isSocket = lstatSync(target.path).isSocket();
    } catch {
      // Nothing there.
    }
    if (isSocket) {
      if (await unixSocketAnswers(target.path)) {
        throw AbciErrors.listenFailed.create(`another process serves ${target.path}`);
      }
      unlinkSync(target.path);
      log({ level: "info", msg: "removed stale ABCI socket file", path: target.path });
    }
  }

  /** Writes one answer (dropped if the connection is closed); `after` runs once it was handed to the socket. */
  function write(conn: Conn, res: Response, after?: () => void): void {
    if (conn.closed) {
      after?.();
      return;
    }
    const frame = encodeResponseFrame(res);
    const ok = conn.socket.write(frame, after ? () => after() : undefined);
    if (!ok && !conn.socket.isPaused()) {
      // The peer reads slowly: stop taking its requests until our answers drain.
      conn.socket.pause();
      conn.socket.once("drain", () => {
        if (!conn.closed) conn.socket.resume();
      });
    }
  }

  function fatal(conn: Conn, method: AbciMethod, err: unknown): void {
    isHalted = true;
    halted = err;
    log({
      level: "fatal",
      msg: "the app failed; answering with an exception and halting",
      conn: conn.id,
      method,
      error: errorMessage(err),
      invariant: err instanceof InvariantViolation,
      stack: err instanceof Error ? err.stack : undefined,
    });
    let timer: NodeJS.Timeout | undefined;
    const callFatal = () => {
      if (timer) clearTimeout(timer);
      if (fatalCalled) return;
      fatalCalled = true;
      try {
        opts.onFatal(err);
      } catch (e) {
        log({ level: "error", msg: "onFatal threw", error: errorMessage(e) });
      }
    };
    // onFatal comes once the answer has been handed to the socket (or could not be), so a
    // node that exits in onFatal still tells CometBFT why; a stuck peer cannot delay it long.
    timer = setTimeout(callFatal, 1000);
    write(conn, { exception: { error: `${method}: ${errorMessage(err)}` } }, callFatal);
  }

  /** Runs one request on the executor and writes its answer. Never throws. */
  function serve(conn: Conn, req: Request): void | Promise<void> {
    if (conn.closed) return; // Nobody waits for this answer any more.
    const method = requestMethod(req);
    if (method === undefined) {
      log({ level: "warn", msg: "ABCI request without a known method", conn: conn.id });
      write(conn, { exception: { error: errorMessage(AbciErrors.unknownRequest.create()) } });
      return;
    }
    if (isHalted && method !== "flush" && method !== "echo") {
      const e = AbciErrors.appHalted.create(`the app halted after: ${errorMessage(halted)}`);
      write(conn, { exception: { error: errorMessage(e) } });
      return;
    }
    const answer = (res: Response) => {
      try {
        write(conn, res);
      } catch (e) {
        // The app's answer does not encode: as bad as the app throwing.
        fatal(conn, method, e);
      }
    };
    let out: Response | Promise<Response>;
    try {
      out = handleRequest(app, req);
    } catch (e) {
      fatal(conn, method, e);
      return;
    }
    if (out instanceof Promise) return out.then(answer, (e: unknown) => fatal(conn, method, e));
    answer(out);
  }

  function broken(conn: Conn, err: unknown): void {
    log({ level: "error", msg: "bad ABCI frame; closing the connection", conn: conn.id, error: errorMessage(err) });
    conn.socket.pause();
    // After the answers still owed on this connection, an exception, then close.
    void executor.run(() => {
      if (conn.closed) return;
      write(conn, { exception: { error: errorMessage(err) } });
      conn.closed = true;
      const killer = setTimeout(() => conn.socket.destroy(), 2000);
      conn.socket.end(() => {
        clearTimeout(killer);
        conn.socket.destroy();
      });
    });
  }

  const server: Server = createServer((socket) => {
    const conn: Conn = { id: nextId++, socket, closed: false, priority: false, pending: 0 };
    conns.add(conn);
    socket.setNoDelay?.(true);
    log({ level: "info", msg: "ABCI connection opened", conn: conn.id, connections: conns.size });
    const decoder = requestDecoder({ maxFrameBytes });
    let failed = false;
    socket.on("data", (chunk: Buffer) => {
      if (failed) return;
      try {
        decoder.push(chunk, (req) => {
          // The consensus connection gets the priority lane once it shows itself (its first
          // consensus method) while none of its earlier requests wait, so its answers stay in order.
          if (!conn.priority && conn.pending === 0 && CONSENSUS_METHODS.has(requestMethod(req) ?? "")) {
            conn.priority = true;
          }
          conn.pending++;
          executor
            .run(() => serve(conn, req), conn.priority)
            .finally(() => {
              conn.pending--;
            })
            .catch((e: unknown) => {
              // serve() handles every failure itself; this is a last resort against an unhandled rejection.
              log({ level: "error", msg: "ABCI request handling failed", conn: conn.id, error: errorMessage(e) });
            });
        });
      } catch (e) {
        failed = true;
        broken(conn, e);
      }
    });
    socket.on("error", (e) => {
      log({ level: "warn", msg: "ABCI connection error", conn: conn.id, error: errorMessage(e) });
    });
    socket.on("close", () => {
      conn.closed = true;
      conns.delete(conn);
      const midFrame = decoder.midFrame && !failed;
      log({ level: "info", msg: "ABCI connection closed", conn: conn.id, connections: conns.size, midFrame });
    });
  });

  const listening = new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => {
      reject(AbciErrors.listenFailed.create(`cannot listen at ${opts.address}: ${e.message}`));
    };
    server.once("error", onError);
    const done = () => {
      server.off("error", onError);
      server.on("error", (e) => log({ level: "error", msg: "ABCI server error", error: errorMessage(e) }));
      resolve();
    };
    if (target.kind === "unix") server.listen(target.path, done);
    else server.listen(target.port, target.host, done);
  });
  await listening;

  let address = opts.address;
  if (target.kind === "tcp") {
    const a = server.address();
    if (a === null || typeof a === "string") throw new InvariantViolation(`unexpected listen address ${String(a)}`);
    address = `tcp://${a.family === "IPv6" ? `[${a.address}]` : a.address}:${a.port}`;
  }
  log({ level: "info", msg: "ABCI server listening", address });

  let closing: Promise<void> | undefined;
  return {
    address,
    connections: () => conns.size,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const c of conns) {
          c.closed = true;
          c.socket.destroy();
        }
        conns.clear();
        await stopped;
        await executor.idle();
        log({ level: "info", msg: "ABCI server closed", address });
      })();
      return closing;
    },
  };
}
