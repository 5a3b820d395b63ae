/**
 * Content-addressed storage of encrypted record blobs, one file per blob named
 * by its SHA-256, with the blob's wrapped keys in a JSON file beside it.
 *
 * Files rather than the node's LMDB: blobs are write-once, up to megabytes,
 * and read rarely — in LMDB they would bloat the memory map and the copy-on-write
 * pages of every write transaction, whereas a file costs one write and one
 * rename. Every write goes to a temporary file that is synced and then renamed
 * over its name, so a crash leaves either the old file or the new one, never a
 * torn blob. Writes for one hash are serialized in-process (the API server is
 * the only writer). The store never trusts the disk: {@link FileBlobStore.read}
 * re-hashes the blob and refuses one that was altered.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import {
  base64ToBytes,
  bytesEqual,
  bytesToBase64,
  InvariantViolation,
  MAX_WRAPPED_KEYS,
  RecordErrors,
  sha256,
  toHex,
  type WrappedKey,
} from "@urbis/protocol";

/** The JSON beside each blob. */
interface BlobMetaFile {
  v: 1;
  /** DID that first uploaded the blob: the only one that may add wrapped keys. */
  uploader: string;
  size: number;
  wrappedKeys: { recipient: string; sealed: string }[];
}

/** What is stored beside a blob. */
export interface BlobMeta {
  uploader: string;
  size: number;
  wrappedKeys: WrappedKey[];
}

/** Outcome of a store write. */
export interface BlobWriteResult {
  /** True when this call stored the blob bytes (new, or replacing a corrupt copy). */
  created: boolean;
  /** Recipients whose wrapped key this call added. */
  added: string[];
  /** Wrapped keys stored now. */
  wrappedKeys: number;
}

const HASH_RE = /^[0-9a-f]{64}$/;

/** Options of {@link FileBlobStore}. */
export interface FileBlobStoreOptions {
  /** Skip fsync (tests only: a crash may then lose or tear writes). */
  noSync?: boolean;
}

/** Blobs under `<dir>/blobs/<first two hex digits>/<hash>` and `<hash>.keys.json`. */
export class FileBlobStore {
  private readonly locks = new Map<string, Promise<unknown>>();

  private constructor(
    readonly dir: string,
    private readonly noSync: boolean,
  ) {}

  /** Opens (creating) a store in `dir`. */
  static async open(dir: string, opts: FileBlobStoreOptions = {}): Promise<FileBlobStore> {
    await mkdir(join(dir, "blobs"), { recursive: true });
    await mkdir(join(dir, "tmp"), { recursive: true });
    return new FileBlobStore(dir, opts.noSync ?? false);
  }

  /** Path of a blob's file (exposed for operators and tests). */
  blobPath(hash: string): string {
    if (!HASH_RE.test(hash)) throw new InvariantViolation(`not a content hash: ${hash}`);
    return join(this.dir, "blobs", hash.slice(0, 2), hash);
  }

  private metaPath(hash: string): string {
    return `${this.blobPath(hash)}.keys.json`;
  }

  /** Runs `fn` after every earlier write for `hash` has finished. */
  private async serialized<T>(hash: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(hash) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(hash, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(hash) === tail) this.locks.delete(hash);
    }
  }

  /** Writes `data` to `path` atomically (temp file, sync, rename). */
  private async writeAtomic(path: string, data: Uint8Array): Promise<void> {
    const tmp = join(this.dir, "tmp", `${randomBytes(8).toString("hex")}.tmp`);
    try {
      const fh = await open(tmp, "wx");
      try {
        await fh.writeFile(data);
        if (!this.noSync) await fh.datasync();
      } finally {
        await fh.close();
      }
      await mkdir(join(path, ".."), { recursive: true });
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  /** The wrapped keys and uploader of a blob, or undefined when none is stored. */
  async meta(hash: string): Promise<BlobMeta | undefined> {
    let text: string;
    try {
      text = await readFile(this.metaPath(hash), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
    let m: BlobMetaFile;
    try {
      m = JSON.parse(text) as BlobMetaFile;
      return {
        uploader: m.uploader,
        size: m.size,
        wrappedKeys: m.wrappedKeys.map((k) => ({ recipient: k.recipient, sealed: base64ToBytes(k.sealed) })),
      };
    } catch {
      throw RecordErrors.storedBlobCorrupt.create(`the wrapped keys of ${hash} are unreadable on this node`, {
        contentHash: hash,
      });
    }
  }

  private async writeMeta(hash: string, meta: BlobMeta): Promise<void> {
    const file: BlobMetaFile = {
      v: 1,
      uploader: meta.uploader,
      size: meta.size,
      wrappedKeys: meta.wrappedKeys.map((k) => ({ recipient: k.recipient, sealed: bytesToBase64(k.sealed) })),
    };
    await this.writeAtomic(this.metaPath(hash), new TextEncoder().encode(JSON.stringify(file)));
  }

  /**
   * The blob stored under `hash`, re-hashed: undefined when none is stored,
   * `records.stored_blob_corrupt` when the file no longer hashes to its name.
   */
  async read(hash: string): Promise<Uint8Array | undefined> {
    let blob: Uint8Array;
    try {
      blob = new Uint8Array(await readFile(this.blobPath(hash)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
    const actual = toHex(sha256(blob));
    if (actual !== hash) {
      throw RecordErrors.storedBlobCorrupt.create(`the blob stored as ${hash} now hashes to ${actual}`, {
        contentHash: hash,
      });
    }
    return blob;
  }

  /**
   * Stores a blob (already checked to hash to `hash`) and its wrapped keys.
   * The same blob again adds only new recipients' keys; a corrupt stored copy
   * is replaced by the verified one. Only the first uploader may add keys.
   */
  put(hash: string, blob: Uint8Array, uploader: string, keys: readonly WrappedKey[]): Promise<BlobWriteResult> {
    if (toHex(sha256(blob)) !== hash) throw new InvariantViolation(`put of a blob that does not hash to ${hash}`);
    return this.serialized(hash, async () => {
      const meta = await this.meta(hash);
      let created = false;
      let intact = false;
      if (meta) {
        try {
          intact = (await this.read(hash)) !== undefined;
        } catch (e) {
          if (!RecordErrors.storedBlobCorrupt.is(e)) throw e;
        }
      }
      if (!intact) {
        await this.writeAtomic(this.blobPath(hash), blob);
        created = true;
      }
      const base: BlobMeta = meta ?? { uploader, size: blob.length, wrappedKeys: [] };
      const added = this.merge(hash, base, uploader, keys);
      if (!meta || added.length > 0) await this.writeMeta(hash, base);
      return { created, added, wrappedKeys: base.wrappedKeys.length };
    });
  }

  /** Adds wrapped keys to a stored blob (uploader only); `records.unknown_blob` when there is none. */
  addKeys(hash: string, requester: string, keys: readonly WrappedKey[]): Promise<Omit<BlobWriteResult, "created">> {
    return this.serialized(hash, async () => {
      const meta = await this.meta(hash);
      if (!meta) throw RecordErrors.unknownBlob.create(`no blob is stored under ${hash}`, { contentHash: hash });
      const added = this.merge(hash, meta, requester, keys);
      if (added.length > 0) await this.writeMeta(hash, meta);
      return { added, wrappedKeys: meta.wrappedKeys.length };
    });
  }

  /** Adds `keys` to `meta` in place; returns the recipients added. */
  private merge(hash: string, meta: BlobMeta, requester: string, keys: readonly WrappedKey[]): string[] {
    const added: string[] = [];
    for (const k of keys) {
      const have = meta.wrappedKeys.find((w) => w.recipient === k.recipient);
      if (have) {
        if (!bytesEqual(have.sealed, k.sealed)) {
          throw RecordErrors.wrappedKeyConflict.create(`${k.recipient} already has another wrapped key for ${hash}`, {
            contentHash: hash,
            recipient: k.recipient,
          });
        }
        continue;
      }
      added.push(k.recipient);
    }
    if (added.length > 0 && requester !== meta.uploader) {
      throw RecordErrors.notUploader.create(`only ${meta.uploader} may add wrapped keys to ${hash}`, {
        contentHash: hash,
      });
    }
    if (meta.wrappedKeys.length + added.length > MAX_WRAPPED_KEYS) {
      throw RecordErrors.invalidRecipient.create(`a blob holds at most ${MAX_WRAPPED_KEYS} wrapped keys`, {
        contentHash: hash,
      });
    }
    for (const k of keys) if (added.includes(k.recipient)) meta.wrappedKeys.push(k);
    return added;
  }
}
