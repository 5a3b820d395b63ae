/**
 * Test fixtures of the DID module (not a test file itself): deterministic key
 * pairs and a module over a memory store whose `run` executes a message as
 * the App would (unwrap, validate, handle) signed with a given key.
 */
import assert from "node:assert/strict";
import {
  addressOf,
  type ErrorDef,
  GOVERNANCE_ADDRESS,
  type Msg,
  multibaseToX25519,
  publicKeyOf,
  toHex,
} from "@urbis/protocol";
import type { BlockInfo, TxContext } from "../../framework/context.js";
import type { Event } from "../../framework/events.js";
import type { MessageHandler } from "../../framework/module.js";
import { type KVStore, MemoryStore } from "../../framework/store.js";
import { didModule } from "./module.js";

/** A deterministic Ed25519 key pair. */
export interface TestPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/** Key pair number `n` (secret key = 32 bytes of `n`). */
export function testPair(n: number): TestPair {
  const secretKey = new Uint8Array(32).fill(n);
  return { secretKey, publicKey: publicKeyOf(secretKey) };
}

/** A valid X25519 key: the did:key test vector's key agreement key. */
export const TEST_X25519_KEY = multibaseToX25519("z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW") as Uint8Array;

/** 2025-01-01T00:00:00Z, the first test block's time. */
export const T0 = 1_735_689_600_000n;

/**
 * Runs `msg` as the App would (unwrap, validate, handle) with the handler
 * registered for its type, signed with `key` (undefined = run by governance);
 * returns its events.
 */
export function runMessage(
  handlers: ReadonlyMap<string, MessageHandler<unknown>>,
  block: BlockInfo,
  store: KVStore,
  key: Uint8Array | undefined,
  msg: Msg,
): Event[] {
  const h = handlers.get(msg.type);
  assert.ok(h, `no handler for ${msg.type}`);
  const events: Event[] = [];
  const ctx: TxContext = {
    block,
    store,
    signer: key ? addressOf(key) : GOVERNANCE_ADDRESS,
    ...(key ? { signerKey: key } : {}),
    txHash: "00",
    emit: (e) => events.push(e),
  };
  const v = h.msg.unwrap(msg);
  h.validate(v);
  h.handle(ctx, v);
  return events;
}

/** A DID module on a fresh memory store, at height 1 and time {@link T0}, after an empty genesis. */
export function setup() {
  const mod = didModule();
  const store = new MemoryStore();
  let block: BlockInfo = { chainId: "test", height: 1n, timeMs: T0 };
  mod.genesis.init({ block, store, emit: () => {} }, mod.genesis.parse(undefined));
  const handlers = new Map(mod.messages.map((h) => [h.msg.type, h]));
  /** Runs one message signed with `key` (undefined = run by governance), as the App would. */
  const run = (key: Uint8Array | undefined, msg: Msg): Event[] => runMessage(handlers, block, store, key, msg);
  /** Moves to the next block, `dtMs` later. */
  const next = (dtMs = 1_000n) => {
    block = { ...block, height: block.height + 1n, timeMs: block.timeMs + dtMs };
  };
  const check = () => {
    for (const inv of mod.invariants) assert.equal(inv.check({ block, store, emit: () => {} }), undefined, inv.name);
  };
  const snapshot = () => [...store.iterate()].map(([k, v]) => `${toHex(k)}=${toHex(v)}`);
  /** Asserts `fn` fails with `def` and writes nothing. */
  const refuses = (def: ErrorDef, fn: () => unknown) => {
    const before = snapshot();
    assert.throws(fn, (e: unknown) => {
      assert.ok(def.is(e), `expected ${def.codespace}.${def.name}, got ${String(e)}`);
      return true;
    });
    assert.deepEqual(snapshot(), before, "a refusal leaves state unchanged");
  };
  return { mod, keeper: mod.keeper, store, run, next, check, refuses, block: () => block };
}
