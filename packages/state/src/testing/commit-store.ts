/**
 * A CommitStore for the state package's own tests. The real Merkle store lives
 * in @urbis/store, which depends on this package, so these tests cannot use
 * it: this one keeps a full copy of the state per version and takes as "app
 * hash" a SHA-256 over every entry — enough to drive a real UrbisApp through
 * blocks, restarts and invariant checks.
 */
import { sha256, toHex, utf8 } from "@urbis/protocol";
import { type CommitStore, type GenesisWriter, type KVRead, MemoryStore, type Write } from "../framework/store.js";

/** A versioned in-memory CommitStore; restarting an App over the same instance resumes from the last commit. */
export class TestCommitStore implements CommitStore {
  private readonly versions: MemoryStore[] = [new MemoryStore()];
  private readonly roots: Uint8Array[] = [new Uint8Array(0)];
  private staged: { state: MemoryStore; root: Uint8Array } | undefined;
  lastVersion(): bigint {
    return BigInt(this.versions.length - 1);
  }
  rootAt(version: bigint): Uint8Array | undefined {
    return version >= 1n ? this.roots[Number(version)] : undefined;
  }
  latest(): KVRead {
    return this.versions[this.versions.length - 1]!;
  }
  at(version: bigint): KVRead | undefined {
    return version >= 1n ? this.versions[Number(version)] : undefined;
  }
  stage(writes: readonly Write[]): Uint8Array {
    const state = new MemoryStore();
    for (const [k, v] of this.latest().iterate()) state.set(k, v);
    for (const [k, v] of writes) {
      if (v === null) state.delete(k);
      else state.set(k, v);
    }
    this.staged = { state, root: rootOf(state) };
    return this.staged.root;
  }
  beginGenesis(): GenesisWriter {
    if (this.versions.length !== 1) throw new TypeError("genesis needs an empty store");
    this.staged = undefined;
    const state = new MemoryStore();
    this.versions[0] = state;
    this.roots[0] = new Uint8Array(0);
    let ended = false;
    return {
      write: (writes) => {
        if (ended) throw new TypeError("genesis already ended");
        for (const [k, v] of writes) {
          if (v === null) state.delete(k);
          else state.set(k, v);
        }
      },
      finish: () => {
        if (ended) throw new TypeError("genesis already ended");
        ended = true;
        this.roots[0] = rootOf(state);
        return this.roots[0];
      },
      abort: () => {
        if (ended) return;
        ended = true;
        this.versions[0] = new MemoryStore();
      },
    };
  }
  async commit(): Promise<void> {
    if (!this.staged) throw new TypeError("commit without stage");
    this.versions.push(this.staged.state);
    this.roots.push(this.staged.root);
    this.staged = undefined;
  }
  prove(): { value: Uint8Array | undefined; proof: Uint8Array } {
    throw new TypeError("proofs are not supported by the test store");
  }
}

/** The test store's "app hash": SHA-256 over every entry. */
function rootOf(state: MemoryStore): Uint8Array {
  return sha256(utf8([...state.iterate()].map(([k, v]) => `${toHex(k)}=${toHex(v)}`).join(";")));
}
