/**
 * The node's state-sync snapshots, on disk: the {@link SnapshotProvider} the
 * App delegates ABCI's snapshot calls to.
 *
 * Taking: every `interval` heights, after Commit, the state of that height is
 * exported from the store (which keeps that version from pruning meanwhile)
 * in small synchronous slices with the event loop free in between, so block
 * production carries on, and written as format-1 chunk files plus a metadata
 * file to `<home>/snapshots/<height>.tmp/`, renamed to `<home>/snapshots/<height>/`
 * once complete. The newest `keep` snapshots are kept.
 *
 * Restoring: a peer's snapshot is accepted only in format 1 with consistent
 * metadata whose app hash is the trusted one; each chunk must have its listed
 * hash (else it is fetched again from another peer) and is bulk-imported into
 * the empty store in order; after the last chunk the imported root must equal
 * the trusted app hash, or the snapshot is rejected and the store emptied.
 */
import { hash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { bytesEqual, InvariantViolation } from "@urbis/protocol";
import {
  ApplyChunkResult,
  type ChunkApplied,
  OfferSnapshotResult,
  type RestoredState,
  type Snapshot,
  type SnapshotProvider,
} from "@urbis/state";
import { type StateExport, StoreErrors, type StoreImport, type TreeCommitStore } from "@urbis/store";
import {
  CHUNK_HEADER_BYTES,
  type ChunkEntry,
  DEFAULT_CHUNK_BYTES,
  decodeChunk,
  decodeMetadata,
  encodeChunk,
  encodeMetadata,
  entryBytes,
  MAX_CHUNK_BYTES,
  MAX_CHUNKS,
  SNAPSHOT_FORMAT,
  type SnapshotMetadata,
  snapshotHash,
} from "./format.js";

/** Options of {@link SnapshotManager}. */
export interface SnapshotManagerOptions {
  /** Node home: snapshots live in `<home>/snapshots/<height>/`. */
  home: string;
  /** The App's state store (the same object the App was given). */
  store: TreeCommitStore;
  /** Take a snapshot at every height that is a multiple of this (0 = never; restores still work). Default 0. */
  interval?: number;
  /** Snapshots to keep, newest first (at least 1). Default 2. */
  keep?: number;
  /** Target chunk size in bytes (at most {@link MAX_CHUNK_BYTES}). Default 4 MiB. */
  chunkBytes?: number;
  /** Entries exported, or imported on restore, per synchronous slice before yielding to the event loop. Default 2000. */
  sliceEntries?: number;
  /** Do not fsync snapshot files (tests only). */
  noSync?: boolean;
  /** A background snapshot failed (it is then skipped). Default: a line on stderr. */
  onError?: (err: unknown, height: bigint) => void;
  /** A snapshot was completed. */
  onSnapshot?: (s: Snapshot) => void;
}

interface Restore {
  readonly meta: SnapshotMetadata;
  readonly trusted: Uint8Array;
  readonly importer: StoreImport;
  next: number;
}

const METADATA_FILE = "metadata";
const HEIGHT_DIR = /^[1-9]\d*$/;
const TMP_DIR = /^\d+\.tmp$/;

const chunkFile = (index: number): string => `chunk-${String(index).padStart(6, "0")}`;
const plain = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);
/** SHA-256, natively: chunks are megabytes. */
const sha256 = (b: Uint8Array): Uint8Array => plain(hash("sha256", b, "buffer"));
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function snapshotOf(metadata: Uint8Array, meta: SnapshotMetadata): Snapshot {
  return {
    height: meta.height,
    format: SNAPSHOT_FORMAT,
    chunks: meta.chunkHashes.length,
    hash: snapshotHash(metadata),
    metadata,
  };
}

function defaultOnError(err: unknown, height: bigint): void {
  const msg = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`urbis: the state-sync snapshot of height ${height} failed: ${msg}\n`);
}

function answer(result: ApplyChunkResult, refetchChunks: number[] = [], rejectSenders: string[] = []): ChunkApplied {
  return { result, refetchChunks, rejectSenders, complete: false };
}

/** Disk-backed snapshots: takes them after commits and serves and restores them. */
export class SnapshotManager implements SnapshotProvider {
  /** `<home>/snapshots`. */
  readonly dir: string;
  private readonly store: TreeCommitStore;
  private readonly interval: number;
  private readonly keep: number;
  private readonly chunkBytes: number;
  private readonly sliceEntries: number;
  private readonly noSync: boolean;
  private readonly onError: (err: unknown, height: bigint) => void;
  private readonly onSnapshot: ((s: Snapshot) => void) | undefined;
  /** Completed snapshots, newest first. */
  private list: Snapshot[] = [];
  /** The snapshot being taken, if any. */
  private running: Promise<Snapshot | undefined> | undefined;
  /** The next one to take when it is done (its version already kept from pruning). */
  private pending: { ex: StateExport; lastBlockTimeMs: bigint } | undefined;
  private restore: Restore | undefined;
  /** Restore calls run one after another (a chunk is imported in slices, with awaits between). */
  private restoreQueue: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** Opens (creating if needed) `<home>/snapshots`, dropping unfinished snapshots left by a crash. */
  constructor(opts: SnapshotManagerOptions) {
    const whole = (name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
      if (!Number.isSafeInteger(v) || v < min || v > max)
        throw new RangeError(`snapshot ${name} must be a whole number in ${min}..${max}, got ${v}`);
      return v;
    };
    this.store = opts.store;
    this.interval = whole("interval", opts.interval ?? 0, 0);
    this.keep = whole("keep", opts.keep ?? 2, 1);
    this.chunkBytes = whole("chunkBytes", opts.chunkBytes ?? DEFAULT_CHUNK_BYTES, 1, MAX_CHUNK_BYTES);
    this.sliceEntries = whole("sliceEntries", opts.sliceEntries ?? 2000, 1);
    this.noSync = opts.noSync === true;
    this.onError = opts.onError ?? defaultOnError;
    this.onSnapshot = opts.onSnapshot;
    this.dir = join(opts.home, "snapshots");
    mkdirSync(this.dir, { recursive: true });
    this.list = this.scan();
  }

  /** Completed snapshots on disk, newest first; removes unfinished and unreadable ones. */
  private scan(): Snapshot[] {
    const out: Snapshot[] = [];
    for (const name of readdirSync(this.dir)) {
      const path = join(this.dir, name);
      if (TMP_DIR.test(name)) {
        rmSync(path, { recursive: true, force: true });
        continue;
      }
      if (!HEIGHT_DIR.test(name)) continue;
      try {
        const metadata = plain(readFileSync(join(path, METADATA_FILE)));
        const meta = decodeMetadata(metadata);
        if (meta.format !== SNAPSHOT_FORMAT || meta.height !== BigInt(name)) throw new TypeError("inconsistent");
        for (let i = 0; i < meta.chunkHashes.length; i++) {
          if (!existsSync(join(path, chunkFile(i)))) throw new TypeError(`chunk ${i} missing`);
        }
        out.push(snapshotOf(metadata, meta));
      } catch {
        rmSync(path, { recursive: true, force: true });
      }
    }
    return out.sort((a, b) => (a.height > b.height ? -1 : a.height < b.height ? 1 : 0));
  }

  // ---- taking snapshots ----

  /**
   * Called after the commit of `height` (UrbisApp calls it when this manager
   * is its `snapshots` provider; another engine may call it itself). Starts a
   * snapshot in the background when `height` is a multiple of `interval`. If
   * one is still being taken, this one waits for it (its version kept from
   * pruning meanwhile); only the newest waits: an older waiting one is dropped.
   * Returns at once.
   */
  afterCommit(height: bigint, lastBlockTimeMs: bigint): void {
    if (this.closed || this.interval === 0 || height <= 0n || height % BigInt(this.interval) !== 0n) return;
    if (this.restore !== undefined) return;
    if (this.list.some((s) => s.height === height)) return; // e.g. a block replayed after a crash
    let ex: StateExport;
    try {
      ex = this.store.exportVersion(height); // pins the version at once: it cannot be pruned meanwhile
    } catch (e) {
      this.onError(e, height);
      return;
    }
    if (this.running !== undefined) {
      this.pending?.ex.close();
      this.pending = { ex, lastBlockTimeMs };
      return;
    }
    this.start(ex, lastBlockTimeMs).catch((e) => this.onError(e, height));
  }

  /**
   * Takes a snapshot of retained `height` now (after any snapshot being
   * taken), whatever the interval. Resolves with it once it is on disk.
   */
  async takeSnapshot(height: bigint, lastBlockTimeMs: bigint): Promise<Snapshot> {
    while (this.running !== undefined) await this.running.catch(() => undefined);
    this.assertOpen();
    const snap = await this.start(this.store.exportVersion(height), lastBlockTimeMs);
    if (snap === undefined) throw new InvariantViolation("the snapshot manager was closed");
    return snap;
  }

  /** Resolves when no snapshot is being taken. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running.catch(() => undefined);
  }

  private start(ex: StateExport, lastBlockTimeMs: bigint): Promise<Snapshot | undefined> {
    const p = this.write(ex, lastBlockTimeMs).finally(() => {
      ex.close();
      if (this.running !== p) return;
      this.running = undefined;
      const next = this.pending;
      this.pending = undefined;
      if (next === undefined) return;
      if (this.closed) next.ex.close();
      else this.start(next.ex, next.lastBlockTimeMs).catch((e) => this.onError(e, next.ex.version));
    });
    this.running = p;
    return p;
  }

  private async write(ex: StateExport, lastBlockTimeMs: bigint): Promise<Snapshot | undefined> {
    const height = ex.version;
    const tmp = join(this.dir, `${height}.tmp`);
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    try {
      const hashes: Uint8Array[] = [];
      let entries: ChunkEntry[] = [];
      let size = CHUNK_HEADER_BYTES;
      const flush = async () => {
        const bytes = encodeChunk({ height, index: hashes.length, entries });
        if (bytes.length > MAX_CHUNK_BYTES) {
          throw new InvariantViolation(`a state entry is too large for a snapshot chunk (${bytes.length} bytes)`);
        }
        if (hashes.length >= MAX_CHUNKS) throw new InvariantViolation(`the state needs more than ${MAX_CHUNKS} chunks`);
        hashes.push(sha256(bytes));
        await this.writeFile(join(tmp, chunkFile(hashes.length - 1)), bytes);
        entries = [];
        size = CHUNK_HEADER_BYTES;
      };
      for (;;) {
        if (this.closed) return undefined;
        const batch = ex.next(this.sliceEntries, this.chunkBytes);
        if (batch.length === 0) break;
        for (const [key, value] of batch) {
          const n = entryBytes(key, value);
          if (entries.length > 0 && size + n > this.chunkBytes) await flush();
          entries.push({ key, value });
          size += n;
        }
        await yieldToLoop();
      }
      if (entries.length > 0 || hashes.length === 0) await flush(); // an empty state is one empty chunk
      const metadata = encodeMetadata({
        format: SNAPSHOT_FORMAT,
        height,
        appHash: ex.root,
        lastBlockTimeMs,
        chunkHashes: hashes,
      });
      await this.writeFile(join(tmp, METADATA_FILE), metadata);
      if (this.closed) return undefined;
      const final = join(this.dir, String(height));
      await rm(final, { recursive: true, force: true });
      await rename(tmp, final);
      const snap = snapshotOf(metadata, decodeMetadata(metadata));
      this.list = [snap, ...this.list.filter((s) => s.height !== height)].sort((a, b) =>
        a.height > b.height ? -1 : a.height < b.height ? 1 : 0,
      );
      await this.prune();
      this.onSnapshot?.(snap);
      return snap;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  private async writeFile(path: string, data: Uint8Array): Promise<void> {
    const fh = await open(path, "w");
    try {
      await fh.writeFile(data);
      if (!this.noSync) await fh.datasync();
    } finally {
      await fh.close();
    }
  }

  /** Deletes all but the newest `keep` snapshots. */
  private async prune(): Promise<void> {
    const doomed = this.list.slice(this.keep);
    this.list = this.list.slice(0, this.keep);
    for (const s of doomed) await rm(join(this.dir, String(s.height)), { recursive: true, force: true });
  }

  // ---- serving ----

  async listSnapshots(): Promise<Snapshot[]> {
    return this.list.map((s) => ({ ...s }));
  }

  async loadChunk(height: bigint, format: number, index: number): Promise<Uint8Array> {
    const s = this.list.find((x) => x.height === height);
    if (format !== SNAPSHOT_FORMAT || s === undefined || !Number.isSafeInteger(index) || index < 0 || index >= s.chunks)
      return new Uint8Array(0);
    try {
      return plain(await readFile(join(this.dir, String(height), chunkFile(index))));
    } catch {
      return new Uint8Array(0); // pruned meanwhile
    }
  }

  // ---- restoring ----

  beginRestore(snapshot: Snapshot, trustedAppHash: Uint8Array): Promise<OfferSnapshotResult> {
    return this.serial(async () => this.offer(snapshot, trustedAppHash));
  }

  applyChunk(index: number, chunk: Uint8Array, sender: string): Promise<ChunkApplied> {
    return this.serial(() => this.apply(index, chunk, sender));
  }

  finishRestore(): Promise<RestoredState | undefined> {
    return this.serial(() => this.finish());
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const p = this.restoreQueue.then(f, f);
    this.restoreQueue = p.catch(() => undefined);
    return p;
  }

  private offer(snapshot: Snapshot, trustedAppHash: Uint8Array): OfferSnapshotResult {
    this.abandonRestore();
    if (this.closed) return OfferSnapshotResult.Abort;
    if (snapshot.format !== SNAPSHOT_FORMAT) return OfferSnapshotResult.RejectFormat;
    let meta: SnapshotMetadata;
    try {
      meta = decodeMetadata(snapshot.metadata);
    } catch {
      return OfferSnapshotResult.Reject;
    }
    const consistent =
      meta.format === SNAPSHOT_FORMAT &&
      bytesEqual(snapshotHash(snapshot.metadata), snapshot.hash) &&
      meta.height === snapshot.height &&
      meta.height >= 1n &&
      meta.height <= BigInt(Number.MAX_SAFE_INTEGER) &&
      meta.chunkHashes.length === snapshot.chunks &&
      meta.chunkHashes.length >= 1 &&
      bytesEqual(meta.appHash, trustedAppHash);
    if (!consistent) return OfferSnapshotResult.Reject;
    // Only an empty store can take a snapshot (CometBFT state-syncs only a fresh node).
    if (this.store.lastVersion() !== 0n) return OfferSnapshotResult.Abort;
    const importer = this.store.beginImport(meta.height);
    this.restore = { meta, trusted: trustedAppHash.slice(), importer, next: 0 };
    return OfferSnapshotResult.Accept;
  }

  private async apply(index: number, chunk: Uint8Array, sender: string): Promise<ChunkApplied> {
    const r = this.restore;
    if (r === undefined || this.closed) return answer(ApplyChunkResult.Abort);
    const total = r.meta.chunkHashes.length;
    if (!Number.isSafeInteger(index) || index < 0 || index >= total) return this.rejectSnapshot();
    if (index < r.next) return answer(ApplyChunkResult.Accept); // applied already
    // Chunks are applied in order: ask for the one that is next.
    if (index > r.next) return answer(ApplyChunkResult.Retry, [r.next]);
    if (!bytesEqual(sha256(chunk), r.meta.chunkHashes[index] as Uint8Array)) {
      // Not the chunk the snapshot lists: fetch it again, from someone else.
      return answer(ApplyChunkResult.Retry, [index], sender.length > 0 ? [sender] : []);
    }
    // From here the bytes are the snapshot's own: if they are bad, the snapshot is.
    let entries: [Uint8Array, Uint8Array][];
    try {
      const c = decodeChunk(chunk);
      if (c.height !== r.meta.height || c.index !== index) return this.rejectSnapshot();
      entries = c.entries.map((e) => [e.key, e.value]);
    } catch {
      return this.rejectSnapshot();
    }
    // In slices, so a big chunk does not hold the event loop for long.
    for (let i = 0; i < entries.length; i += this.sliceEntries) {
      if (i > 0) await yieldToLoop();
      if (this.restore !== r) return answer(ApplyChunkResult.Abort); // closed meanwhile
      try {
        r.importer.add(entries.slice(i, i + this.sliceEntries));
      } catch (e) {
        if (StoreErrors.invalidImport.is(e)) return this.rejectSnapshot();
        this.abandonRestore();
        throw e;
      }
    }
    r.next++;
    return { ...answer(ApplyChunkResult.Accept), complete: r.next === total };
  }

  private async finish(): Promise<RestoredState | undefined> {
    const r = this.restore;
    if (r === undefined || r.next !== r.meta.chunkHashes.length) {
      throw new InvariantViolation("finishRestore() before every chunk of an accepted snapshot was applied");
    }
    this.restore = undefined;
    try {
      const appHash = await r.importer.finish(r.trusted);
      return { height: r.meta.height, appHash, lastBlockTimeMs: r.meta.lastBlockTimeMs };
    } catch (e) {
      if (StoreErrors.importMismatch.is(e)) return undefined; // the store was emptied
      throw e;
    }
  }

  private rejectSnapshot(): ChunkApplied {
    this.abandonRestore();
    return answer(ApplyChunkResult.RejectSnapshot);
  }

  /** Drops a restore in progress: the store is emptied. */
  private abandonRestore(): void {
    const r = this.restore;
    this.restore = undefined;
    r?.importer.abort();
  }

  // ---- lifecycle ----

  /** Stops: a snapshot being taken is abandoned, a restore in progress dropped. Call before closing the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abandonRestore();
    this.pending?.ex.close();
    this.pending = undefined;
    await this.idle();
  }

  private assertOpen(): void {
    if (this.closed) throw new InvariantViolation("the snapshot manager is closed");
  }
}
