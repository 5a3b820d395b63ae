/** What a handler sees: the block it runs in, the store, and where its events go. */
import type { Address } from "@urbis/protocol";
import type { Event } from "./events.js";
import type { KVStore } from "./store.js";

/** Block facts, all from the block header: the state machine has no other clock. */
export interface BlockInfo {
  chainId: string;
  height: bigint;
  /** Block time, Unix milliseconds, from the header. */
  timeMs: bigint;
}

/** Context of genesis, block hooks and queries. */
export interface Context {
  readonly block: BlockInfo;
  readonly store: KVStore;
  /** Appends an event to the current transaction's (or block's) events. */
  emit(e: Event): void;
}

/** Context of a message handler. */
export interface TxContext extends Context {
  /** The transaction's signer, already authenticated. */
  readonly signer: Address;
  /** The signer's Ed25519 public key; absent when a module runs the message (governance). */
  readonly signerKey?: Uint8Array;
  /** Hex hash of the transaction, or the origin of a module-run message (e.g. `proposal/7`). */
  readonly txHash: string;
}

/** Makes a context collecting events into `sink`. */
export function makeContext(block: BlockInfo, store: KVStore, sink: Event[]): Context {
  return { block, store, emit: (e) => sink.push(e) };
}
