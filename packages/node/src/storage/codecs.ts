/**
 * Canonical encodings of what the block store keeps: headers, blocks, results
 * and events. They use the project codec (Borsh layout) so a block's hash is
 * defined by bytes, not by a JSON rendering, and records written by one
 * version decode identically in the next.
 */

import {
  bytes,
  type Codec,
  concatBytes,
  decode,
  encode,
  fromHex,
  MAX_TX_BYTES,
  mapped,
  sha256,
  string,
  struct,
  toHex,
  u32,
  u64,
  vec,
} from "@urbis/protocol";
import type { Event, TxResult } from "@urbis/state";
import type { BlockHeader } from "../service.js";

/** A hex string stored as its bytes (at most `max`), so hashes cost 32 bytes rather than 64 characters. */
function hexBytes(max: number): Codec<string> {
  return mapped(bytes(max), toHex, fromHex);
}

/** Codec of a block header. Field order is part of the block hash: never reorder. */
export const headerCodec: Codec<BlockHeader> = struct({
  chainId: string(64),
  height: u64,
  timeMs: u64,
  lastBlockHash: hexBytes(32),
  appHash: hexBytes(64),
  dataHash: hexBytes(32),
});

/** Codec of an event attribute. */
const attributeCodec = struct({ key: string(), value: string() });

/** Codec of an event. */
export const eventCodec: Codec<Event> = struct({ type: string(256), attributes: vec(attributeCodec) });

/** Codec of one transaction's result. */
export const txResultCodec: Codec<TxResult> = struct({
  code: u32,
  codespace: string(64),
  log: string(),
  events: vec(eventCodec),
});

/** What is stored per height as "the block": its header and transactions. */
export interface StoredBlock {
  header: BlockHeader;
  txs: Uint8Array[];
}

/** Codec of a stored block. */
export const storedBlockCodec: Codec<StoredBlock> = struct({ header: headerCodec, txs: vec(bytes(MAX_TX_BYTES)) });

/** What is stored per height as the block's outcome. */
export interface StoredResults {
  txResults: TxResult[];
  /** Block-level (end-block) events. */
  events: Event[];
  /** Hex app hash after the block. */
  resultAppHash: string;
}

/** Codec of a block's results. */
export const storedResultsCodec: Codec<StoredResults> = struct({
  txResults: vec(txResultCodec),
  events: vec(eventCodec),
  resultAppHash: hexBytes(64),
});

/** Where a committed transaction sits. */
export interface TxLocation {
  height: bigint;
  index: number;
}

/** A tx-index entry: where the transaction sits, with its bytes and result, so a lookup reads one record. */
export interface TxIndexEntry extends TxLocation {
  timeMs: bigint;
  tx: Uint8Array;
  result: TxResult;
}

/** Codec of a tx-index entry. */
export const txIndexEntryCodec: Codec<TxIndexEntry> = struct({
  height: u64,
  index: u32,
  timeMs: u64,
  tx: bytes(MAX_TX_BYTES),
  result: txResultCodec,
});

/** Canonical bytes of a header: what its hash covers. */
export function encodeHeader(h: BlockHeader): Uint8Array {
  return encode(headerCodec, h);
}

/** Decodes header bytes written by {@link encodeHeader}. */
export function decodeHeader(b: Uint8Array): BlockHeader {
  return decode(headerCodec, b);
}

/** Block hash: hex SHA-256 of the canonical header bytes. */
export function blockHash(h: BlockHeader): string {
  return toHex(sha256(encodeHeader(h)));
}

/** Data hash: hex SHA-256 over the concatenated 32-byte transaction hashes (hex in, hex out). */
export function dataHash(txHashes: readonly string[]): string {
  return toHex(sha256(concatBytes(...txHashes.map(fromHex))));
}
