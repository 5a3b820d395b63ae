/**
 * Test support only (not exported from the package index): a real UrbisApp
 * over a {@link TestCommitStore} with any modules, driven by signed
 * transactions in timed blocks, with queries through the App. Module tests
 * that need several modules at once (gov, health) build on it.
 */
import assert from "node:assert/strict";
import {
  type Address,
  addressOf,
  encodeTx,
  fromUtf8,
  hasPrefix,
  type Msg,
  publicKeyOf,
  signTx,
  toHex,
  utf8,
} from "@urbis/protocol";
import { UrbisApp } from "../app/app.js";
import type { FinalizeBlockResponse, TxResult } from "../app/types.js";
import type { Module } from "../framework/module.js";
import { TestCommitStore } from "./commit-store.js";

/** A test account. */
export interface Key {
  sk: Uint8Array;
  pk: Uint8Array;
  addr: Address;
}

/** A deterministic test account (secret key = 32 bytes of `n`). */
export function account(n: number): Key {
  const sk = new Uint8Array(32).fill(n);
  const pk = publicKeyOf(sk);
  return { sk, pk, addr: addressOf(pk) };
}

/** Where a {@link TestAppChain} resumes from (a node restart over the same store). */
export interface ChainResume {
  store: TestCommitStore;
  height: bigint;
  timeMs: bigint;
  sequences: Map<string, bigint>;
}

/** What a {@link TestAppChain} starts from. */
export interface TestAppChainOptions {
  chainId: string;
  modules: Module<any>[];
  /** Genesis time; also the time of the first block's predecessor. */
  genesisTimeMs: bigint;
  appState: Record<string, unknown>;
  resume?: ChainResume | undefined;
}

const AUTH_PREFIX = utf8("auth/");

/** A real UrbisApp checking every invariant after every block. */
export class TestAppChain {
  readonly store: TestCommitStore;
  readonly app: UrbisApp;
  readonly chainId: string;
  height: bigint;
  timeMs: bigint;
  readonly sequences: Map<string, bigint>;

  constructor(opts: TestAppChainOptions) {
    this.chainId = opts.chainId;
    this.store = opts.resume?.store ?? new TestCommitStore();
    this.app = new UrbisApp({ store: this.store, modules: opts.modules, invariantPeriod: 1 });
    if (opts.resume) {
      this.height = opts.resume.height;
      this.timeMs = opts.resume.timeMs;
      this.sequences = opts.resume.sequences;
      return;
    }
    this.height = 0n;
    this.timeMs = opts.genesisTimeMs;
    this.sequences = new Map();
    this.app.initChain({
      chainId: opts.chainId,
      timeMs: opts.genesisTimeMs,
      initialHeight: 1n,
      appState: opts.appState,
    });
  }

  /** A transaction by `k` carrying `msgs`, with `k`'s next sequence. */
  tx(k: Key, ...msgs: Msg[]): Uint8Array {
    const sequence = this.sequences.get(k.addr) ?? 0n;
    this.sequences.set(k.addr, sequence + 1n);
    return encodeTx(
      signTx(
        {
          chainId: this.chainId,
          signer: k.addr,
          publicKey: k.pk,
          sequence,
          messages: msgs,
          memo: "",
          expiresAtHeight: undefined,
        },
        k.sk,
      ),
    );
  }

  /** Finalizes and commits the next block, `afterMs` after the previous one. */
  async block(txs: Uint8Array[] = [], afterMs = 1000n): Promise<FinalizeBlockResponse> {
    const height = this.height + 1n;
    const timeMs = this.timeMs + afterMs;
    const res = this.app.finalizeBlock({ txs, height, timeMs });
    await this.app.commit();
    this.height = height;
    this.timeMs = timeMs;
    return res;
  }

  /** A block of one transaction that must succeed; returns its result. */
  async ok(k: Key, ...msgs: Msg[]): Promise<TxResult> {
    const res = await this.block([this.tx(k, ...msgs)]);
    const r = res.txResults[0]!;
    assert.equal(r.code, 0, `${msgs.map((m) => m.type).join(",")}: ${r.codespace}/${r.code} ${r.log}`);
    return r;
  }

  /** A query through the App: [codespace, code] and the JSON answer. */
  ask(path: string, params: Record<string, string> = {}, height = 0n): { code: [string, number]; value: any } {
    const data = Object.keys(params).length ? utf8(JSON.stringify(params)) : new Uint8Array(0);
    const r = this.app.query({ path, data, height, prove: false });
    return { code: [r.codespace, r.code], value: r.code === 0 ? JSON.parse(fromUtf8(r.value)) : undefined };
  }

  /** A query that must succeed. */
  query(path: string, params: Record<string, string> = {}, height = 0n): any {
    const r = this.ask(path, params, height);
    assert.deepEqual(r.code, ["", 0], `${path} ${JSON.stringify(params)}`);
    return r.value;
  }

  /** Committed state except account sequences (which every delivered transaction moves). */
  stateButSequences(): string[] {
    return [...this.store.latest().iterate()]
      .filter(([k]) => !hasPrefix(k, AUTH_PREFIX))
      .map(([k, v]) => `${toHex(k)}=${toHex(v)}`);
  }
}
