/**
 * A scripted stand-in for CometBFT on the app's side of the ABCI socket, for
 * tests: it opens the four connections CometBFT opens (query, snapshot,
 * mempool, consensus), frames requests the same way, pipelines them, and
 * checks — as CometBFT's socket client does — that every answer is of the type
 * of the oldest unanswered request on its connection. On top of that it plays
 * CometBFT's call sequences: the handshake, blocks with a mempool that
 * re-checks what is left after each commit, and crash recovery by replay.
 *
 * Not used by the node itself.
 */
import { connect, type Socket } from "node:net";
import { addressOf, encodeTx, publicKeyOf, sendMsg, sha256, signTx, utf8 } from "@urbis/protocol";
import type { GenesisDoc } from "@urbis/state";
import {
  CheckTxType,
  type Request,
  type Response,
  type ResponseCheckTx,
  type ResponseFinalizeBlock,
  type ResponseInfo,
  type ResponseInitChain,
  ResponseProcessProposal_ProposalStatus,
  type ResponseQuery,
} from "cosmjs-types/tendermint/abci/types";
import { type AbciMethod, msToTimestamp, requestMethod } from "./adapter.js";
import { encodeRequestFrame, responseDecoder } from "./framing.js";

/** The app answered Response{exception}. */
export class AbciException extends Error {
  override readonly name = "AbciException";
  constructor(
    readonly method: AbciMethod,
    readonly error: string,
  ) {
    super(`${method} answered with an exception: ${error}`);
  }
}

interface Pending {
  method: AbciMethod;
  resolve: (r: Response) => void;
  reject: (e: unknown) => void;
}

function connectTo(address: string): Socket {
  if (address.startsWith("unix://")) return connect(address.slice("unix://".length));
  const m = /^tcp:\/\/\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (!m) throw new RangeError(`bad ABCI address ${address}`);
  return connect(Number(m[2]), m[1]!);
}

/** One ABCI client connection with pipelining and CometBFT's in-order answer check. */
export class AbciConnection {
  private readonly pending: Pending[] = [];
  private pendingHead = 0;
  private failure: unknown;
  /** Every answer received, in order (for tests that inspect exceptions). */
  readonly received: Response[] = [];
  readonly closed: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly socket: Socket,
  ) {
    const decoder = responseDecoder();
    socket.on("data", (chunk: Buffer) => {
      try {
        decoder.push(chunk, (res) => this.onResponse(res));
      } catch (e) {
        this.fail(e);
        socket.destroy();
      }
    });
    this.closed = new Promise((resolve) => {
      socket.on("close", () => {
        this.fail(new Error(`ABCI connection ${name} closed`));
        resolve();
      });
    });
    socket.on("error", (e) => this.fail(e));
  }

  /** Connects to `unix://path` or `tcp://host:port`. */
  static open(address: string, name = "abci"): Promise<AbciConnection> {
    return new Promise((resolve, reject) => {
      const socket = connectTo(address);
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        socket.setNoDelay(true);
        resolve(new AbciConnection(name, socket));
      });
    });
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.pending.length - this.pendingHead;
  }

  /** Sends `req` at once (pipelined behind earlier ones); resolves with its answer, exceptions included. */
  send(req: Request): Promise<Response> {
    const method = requestMethod(req);
    if (!method) return Promise.reject(new RangeError("a request needs a method"));
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ method, resolve, reject });
      this.socket.write(encodeRequestFrame(req));
    });
  }

  /** Like {@link send}, but an exception answer rejects with {@link AbciException}. */
  async call(req: Request): Promise<Response> {
    const res = await this.send(req);
    const method = requestMethod(req)!;
    if (res.exception) throw new AbciException(method, res.exception.error);
    return res;
  }

  /** Sends Flush and waits for it: every earlier request on this connection is then answered. */
  async flush(): Promise<void> {
    await this.call({ flush: {} });
  }

  /** Writes raw bytes (for garbage tests); the server's answer to them, if any, lands in {@link received}. */
  writeRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Closes the connection; unanswered requests reject. */
  async close(): Promise<void> {
    this.socket.destroy();
    await this.closed;
  }

  private onResponse(res: Response): void {
    this.received.push(res);
    const head = this.pending[this.pendingHead];
    if (!head) {
      // An unsolicited answer (the server's reply to garbage): nothing to match it with.
      if (res.exception) return;
      this.fail(new Error(`ABCI connection ${this.name}: answer with no request outstanding`));
      this.socket.destroy();
      return;
    }
    this.pending[this.pendingHead] = undefined as unknown as Pending;
    this.pendingHead++;
    if (!res.exception && res[head.method] === undefined) {
      const got = Object.keys(res).find((k) => res[k as keyof Response] !== undefined) ?? "nothing";
      const e = new Error(`ABCI connection ${this.name}: got ${got} when the answer to ${head.method} was due`);
      head.reject(e);
      this.fail(e);
      this.socket.destroy();
      return;
    }
    head.resolve(res);
  }

  private fail(e: unknown): void {
    if (this.failure === undefined) this.failure = e;
    while (this.pendingHead < this.pending.length) {
      const p = this.pending[this.pendingHead++]!;
      p.reject(this.failure);
    }
  }
}

/** Outcome of one block. */
export interface DriverBlock {
  height: bigint;
  txs: Uint8Array[];
  finalize: ResponseFinalizeBlock;
  /** Transactions the re-check after the commit dropped from the mempool. */
  dropped: Uint8Array[];
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

/** CometBFT's side of an app: four connections, the handshake, a mempool, blocks and replay. */
export class CometDriver {
  /** Transactions accepted by CheckTx and not yet in a block, in arrival order. */
  readonly mempool: Uint8Array[] = [];
  /** Height of the last committed block (from the handshake on). */
  height = 0n;
  /** Time of the next block, Unix ms; each block advances it by {@link blockIntervalMs}. */
  timeMs: bigint;
  blockIntervalMs = 1000n;
  /** Largest transaction bytes per proposal. */
  maxTxBytes = 4_000_000n;

  private constructor(
    readonly query: AbciConnection,
    readonly snapshot: AbciConnection,
    readonly mempoolConn: AbciConnection,
    readonly consensus: AbciConnection,
    readonly genesis: GenesisDoc,
  ) {
    this.timeMs = BigInt(Date.parse(genesis.genesisTime));
  }

  /** Opens the four connections in CometBFT's order: query, snapshot, mempool, consensus. */
  static async connect(address: string, genesis: GenesisDoc): Promise<CometDriver> {
    const query = await AbciConnection.open(address, "query");
    const snapshot = await AbciConnection.open(address, "snapshot");
    const mempool = await AbciConnection.open(address, "mempool");
    const consensus = await AbciConnection.open(address, "consensus");
    return new CometDriver(query, snapshot, mempool, consensus, genesis);
  }

  /** All four connections. */
  get connections(): AbciConnection[] {
    return [this.query, this.snapshot, this.mempoolConn, this.consensus];
  }

  /**
   * The handshake: Echo and Info on the query connection, then InitChain on the
   * consensus connection when the app has no block yet. Resolves to what Info
   * said (and InitChain, if it ran).
   */
  async handshake(): Promise<{ info: ResponseInfo; initChain?: ResponseInitChain }> {
    await this.query.call({ echo: { message: "" } });
    const info = (
      await this.query.call({ info: { version: "0.38.26", blockVersion: 11n, p2pVersion: 8n, abciVersion: "2.0.0" } })
    ).info!;
    this.height = info.lastBlockHeight;
    if (info.lastBlockHeight !== 0n) return { info };
    const initChain = (
      await this.consensus.call({
        initChain: {
          time: msToTimestamp(BigInt(Date.parse(this.genesis.genesisTime))),
          chainId: this.genesis.chainId,
          validators: [],
          appStateBytes: utf8(JSON.stringify(this.genesis.appState)),
          initialHeight: BigInt(this.genesis.initialHeight),
        },
      })
    ).initChain!;
    return { info, initChain };
  }

  /** CheckTx of a new transaction on the mempool connection (then Flush, as CometBFT's sync path does). */
  async checkTx(tx: Uint8Array): Promise<ResponseCheckTx> {
    const p = this.mempoolConn.call({ checkTx: { tx, type: CheckTxType.NEW } });
    await this.mempoolConn.flush();
    const res = (await p).checkTx!;
    if (res.code === 0) this.mempool.push(tx);
    return res;
  }

  /** Many CheckTx pipelined on the mempool connection, then one Flush. */
  async checkTxs(txs: Uint8Array[]): Promise<ResponseCheckTx[]> {
    const ps = txs.map((tx) => this.mempoolConn.call({ checkTx: { tx, type: CheckTxType.NEW } }));
    await this.mempoolConn.flush();
    const out = (await Promise.all(ps)).map((r) => r.checkTx!);
    out.forEach((r, i) => {
      if (r.code === 0) this.mempool.push(txs[i]!);
    });
    return out;
  }

  private blockFields(height: bigint) {
    return {
      misbehavior: [],
      height,
      time: msToTimestamp(this.timeMs),
      nextValidatorsHash: new Uint8Array(32),
      proposerAddress: new Uint8Array(20),
    };
  }

  /** FinalizeBlock of the next height with `txs`, without committing (a crash may follow). */
  async finalize(txs: Uint8Array[], hash = new Uint8Array(32).fill(0xbb)): Promise<ResponseFinalizeBlock> {
    const height = this.height + 1n;
    const res = await this.consensus.call({
      finalizeBlock: { txs, decidedLastCommit: { round: 0, votes: [] }, hash, ...this.blockFields(height) },
    });
    return res.finalizeBlock!;
  }

  /** Commit on the consensus connection; the height advances. */
  async commit(): Promise<bigint> {
    const res = await this.consensus.call({ commit: {} });
    this.height++;
    this.timeMs += this.blockIntervalMs;
    return res.commit!.retainHeight;
  }

  /**
   * One block as CometBFT makes it on a single validator: PrepareProposal with
   * the mempool's transactions, ProcessProposal of the result (must accept),
   * FinalizeBlock, Commit, then the mempool drops the block's transactions and
   * re-checks the rest (CheckTx RECHECK, then Flush), dropping those that fail.
   */
  async block(): Promise<DriverBlock> {
    const height = this.height + 1n;
    const prepared = await this.consensus.call({
      prepareProposal: {
        maxTxBytes: this.maxTxBytes,
        txs: [...this.mempool],
        localLastCommit: { round: 0, votes: [] },
        ...this.blockFields(height),
      },
    });
    const txs = prepared.prepareProposal!.txs;
    const hash = new Uint8Array(32).fill(Number(height % 256n));
    const processed = await this.consensus.call({
      processProposal: { txs, proposedLastCommit: { round: 0, votes: [] }, hash, ...this.blockFields(height) },
    });
    if (processed.processProposal!.status !== ResponseProcessProposal_ProposalStatus.ACCEPT) {
      throw new Error(`the app rejected its own proposal at height ${height}`);
    }
    const finalize = await this.finalize(txs, hash);
    await this.commit();
    const left = this.mempool.filter((m) => !txs.some((t) => same(t, m)));
    this.mempool.length = 0;
    const dropped: Uint8Array[] = [];
    if (left.length > 0) {
      const ps = left.map((tx) => this.mempoolConn.call({ checkTx: { tx, type: CheckTxType.RECHECK } }));
      await this.mempoolConn.flush();
      const rechecked = await Promise.all(ps);
      rechecked.forEach((r, i) => {
        if (r.checkTx!.code === 0) this.mempool.push(left[i]!);
        else dropped.push(left[i]!);
      });
    }
    return { height, txs, finalize, dropped };
  }

  /** Query on the query connection. */
  async queryApp(
    path: string,
    data: Uint8Array,
    opts: { height?: bigint; prove?: boolean } = {},
  ): Promise<ResponseQuery> {
    const res = await this.query.call({ query: { path, data, height: opts.height ?? 0n, prove: opts.prove ?? false } });
    return res.query!;
  }

  /** Closes all four connections (a crash, as far as the app can tell). */
  async close(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.close()));
  }
}

/** A test account: deterministic keys from its index. */
export interface DriverAccount {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  address: string;
}

/** Account `i` (secret key SHA-256("urbis-abci-test/<i>")). */
export function driverAccount(i: number): DriverAccount {
  const secretKey = sha256(utf8(`urbis-abci-test/${i}`));
  const publicKey = publicKeyOf(secretKey);
  return { secretKey, publicKey, address: addressOf(publicKey) };
}

/** The denomination of the driver's genesis. */
export const DRIVER_DENOM = "ucity";

/** A genesis funding each account with 1 000 000 000 ucity; account 0 issues the currency. */
export function driverGenesis(accounts: DriverAccount[], chainId = "urbis-abci-test"): GenesisDoc {
  const issuer = accounts[0];
  if (!issuer) throw new RangeError("driverGenesis needs an account");
  return {
    chainId,
    genesisTime: "2025-01-01T00:00:00.000Z",
    initialHeight: "1",
    appState: {
      auth: { params: { maxTxsPerWindow: "1000000", windowBlocks: "10" } },
      bank: {
        params: { assetCreators: [issuer.address] },
        assets: [{ denom: DRIVER_DENOM, name: "City Credit", symbol: "UCC", decimals: 6, issuer: issuer.address }],
        balances: accounts.map((a) => ({ address: a.address, coins: [{ denom: DRIVER_DENOM, amount: "1000000000" }] })),
      },
    },
  };
}

/** A signed bank transfer, canonical bytes. */
export function signedTransfer(
  chainId: string,
  from: DriverAccount,
  sequence: bigint,
  to: string,
  amount: bigint,
): Uint8Array {
  const body = {
    chainId,
    signer: from.address,
    publicKey: from.publicKey,
    sequence,
    messages: [sendMsg.wrap({ to, denom: DRIVER_DENOM, amount })],
    memo: "",
    expiresAtHeight: undefined,
  };
  return encodeTx(signTx(body, from.secretKey));
}
