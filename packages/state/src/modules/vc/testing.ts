/**
 * Test fixtures of the VC module (not a test file itself): a DID module and a
 * VC module over one memory store, with `run` executing a message as the App
 * would (unwrap, validate, handle) signed with a given key, or by governance.
 */
import assert from "node:assert/strict";
import { createDidMessage, didOf, type ErrorDef, type Msg, toHex } from "@urbis/protocol";
import type { BlockInfo } from "../../framework/context.js";
import type { Event } from "../../framework/events.js";
import { MemoryStore } from "../../framework/store.js";
import { didModule } from "../did/module.js";
import { runMessage, T0 } from "../did/testing.js";
import { vcModule } from "./module.js";

export { T0, type TestPair, testPair } from "../did/testing.js";

/** A DID and VC module on a fresh memory store after an empty genesis (or `vcGenesis`). */
export function setupVc(vcGenesis?: unknown, didGenesis?: unknown) {
  const did = didModule();
  const mod = vcModule(did.keeper);
  const store = new MemoryStore();
  let block: BlockInfo = { chainId: "test", height: 1n, timeMs: T0 };
  did.genesis.init({ block, store, emit: () => {} }, did.genesis.parse(didGenesis));
  mod.genesis.init({ block, store, emit: () => {} }, mod.genesis.parse(vcGenesis));
  const handlers = new Map([...did.messages, ...mod.messages].map((h) => [h.msg.type, h]));
  /** Runs one message signed with `key` (undefined = run by governance), as the App would. */
  const run = (key: Uint8Array | undefined, msg: Msg): Event[] => runMessage(handlers, block, store, key, msg);
  /** Registers a DID for `publicKey` (an organization), signed by that key. */
  const createDid = (publicKey: Uint8Array): string => {
    run(publicKey, createDidMessage({ kind: "organization", publicKey }));
    return didOf(publicKey);
  };
  const next = (dtMs = 1_000n) => {
    block = { ...block, height: block.height + 1n, timeMs: block.timeMs + dtMs };
  };
  const check = () => {
    for (const inv of mod.invariants) assert.equal(inv.check({ block, store, emit: () => {} }), undefined, inv.name);
  };
  const query = (path: string, params: Record<string, string>) => {
    const q = mod.queries.find((x) => x.path === path);
    assert.ok(q, `no query ${path}`);
    return q.handle({ block, store, emit: () => {} }, params);
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
  return { mod, did, keeper: mod.keeper, store, run, createDid, next, check, query, refuses, block: () => block };
}
