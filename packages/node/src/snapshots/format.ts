/**
 * Snapshot format 1 (see docs/state-sync.md): the state at a height as
 * chunks of (key, value) entries in ascending order of SHA-256(key), and
 * metadata listing the SHA-256 of every chunk. Everything is encoded with
 * the project's canonical codec (Borsh layout).
 */
import {
  bytes,
  type Codec,
  decode,
  encode,
  fixedBytes,
  type Infer,
  sha256,
  struct,
  u8,
  u32,
  u64,
  vec,
} from "@urbis/protocol";
import { MAX_KEY_BYTES } from "@urbis/store";

/** The only snapshot format this node writes and restores. */
export const SNAPSHOT_FORMAT = 1;

/** Default target size of a chunk: a chunk closes before an entry would take it past this. */
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Largest chunk accepted or written. CometBFT's state-sync reactor sends a
 * chunk in one p2p message of at most 16 MB (16,000,000 bytes, with the
 * height, format and index around it), so stay well below.
 */
export const MAX_CHUNK_BYTES = 15 * 1024 * 1024;

/**
 * Most chunks in a snapshot: the metadata (32 bytes per chunk) travels in
 * CometBFT's snapshot message, limited to 4 MB. 100,000 chunks of 4 MiB is
 * about 400 GiB of state.
 */
export const MAX_CHUNKS = 100_000;

/** Bytes a chunk's header and entry count take. */
export const CHUNK_HEADER_BYTES = 8 + 4 + 4;
/** Bytes an entry takes besides its key and value (two u32 lengths). */
export const ENTRY_OVERHEAD_BYTES = 8;

const hash32 = fixedBytes(32);

/** Snapshot metadata, format 1 (the `metadata` of the ABCI Snapshot). */
export const metadataCodec = struct({
  /** Always 1. */
  format: u8,
  height: u64,
  /** Root of the state at `height`: the app hash a restore must reach. */
  appHash: hash32,
  /** Time of the block at `height` (Unix ms), for CheckTx right after a restore. */
  lastBlockTimeMs: u64,
  /** SHA-256 of each chunk's bytes, in chunk order (at least one chunk). */
  chunkHashes: vec(hash32, MAX_CHUNKS),
});
export type SnapshotMetadata = Infer<typeof metadataCodec>;

const entryCodec = struct({ key: bytes(MAX_KEY_BYTES), value: bytes(MAX_CHUNK_BYTES) });
export type ChunkEntry = Infer<typeof entryCodec>;

/** One chunk, format 1. */
export const chunkCodec = struct({
  height: u64,
  index: u32,
  /** Entries in strictly ascending order of SHA-256(key), continuing the previous chunk. */
  entries: vec(entryCodec),
});
export type SnapshotChunk = Infer<typeof chunkCodec>;

export function encodeMetadata(m: SnapshotMetadata): Uint8Array {
  return encode(metadataCodec, m);
}

/** Decodes metadata; fails with a `codec.*` error on malformed bytes. */
export function decodeMetadata(b: Uint8Array): SnapshotMetadata {
  return decode(metadataCodec, b);
}

export function encodeChunk(c: SnapshotChunk): Uint8Array {
  return encode(chunkCodec, c);
}

/** Decodes a chunk; fails with a `codec.*` error on malformed bytes. */
export function decodeChunk(b: Uint8Array): SnapshotChunk {
  return decode(chunkCodec as Codec<SnapshotChunk>, b);
}

/** The snapshot hash: SHA-256 of the encoded metadata. */
export function snapshotHash(metadata: Uint8Array): Uint8Array {
  return sha256(metadata);
}

/** Encoded size of a chunk entry. */
export function entryBytes(key: Uint8Array, value: Uint8Array): number {
  return ENTRY_OVERHEAD_BYTES + key.length + value.length;
}
