/**
 * The solo engine's mempool: transactions that passed CheckTx and wait for a
 * block. It is bounded (count and bytes) so a burst cannot exhaust memory,
 * keeps arrival order (first come, first served: no fee market in a city
 * chain), and never lets a later sequence of an account into a block ahead of
 * an earlier one, which would fail in FinalizeBlock and burn the sequence.
 */
import { TxErrors } from "@urbis/protocol";

/** Limits of a {@link Mempool}. */
export interface MempoolLimits {
  /** Most transactions held. Default 10 000. */
  maxTxs?: number;
  /** Most bytes of transactions held. Default 64 MiB. */
  maxBytes?: number;
}

/** One transaction in the mempool. */
export interface MempoolEntry {
  /** Hex hash of the transaction bytes. */
  readonly hash: string;
  readonly tx: Uint8Array;
  readonly sender: string;
  readonly sequence: bigint;
  /** Arrival number: lower arrived earlier. */
  readonly arrival: number;
}

/** Default limits. */
export const DEFAULT_MEMPOOL_LIMITS: Required<MempoolLimits> = { maxTxs: 10_000, maxBytes: 64 * 1024 * 1024 };

/** Bounded, arrival-ordered, per-account-sequenced transaction pool. */
export class Mempool {
  /** Entries by hash; Map iteration is insertion (= arrival) order. */
  private readonly byHash = new Map<string, MempoolEntry>();
  /** Per sender, its entries ascending by sequence. */
  private readonly bySender = new Map<string, MempoolEntry[]>();
  private bytes = 0;
  private arrivals = 0;
  readonly limits: Required<MempoolLimits>;

  constructor(limits: MempoolLimits = {}) {
    this.limits = { ...DEFAULT_MEMPOOL_LIMITS, ...limits };
  }

  /** Number of transactions held. */
  get size(): number {
    return this.byHash.size;
  }

  /** Bytes of transactions held. */
  get sizeBytes(): number {
    return this.bytes;
  }

  /** Whether the transaction with this hash is held. */
  has(hash: string): boolean {
    return this.byHash.has(hash);
  }

  /** The entry with this hash. */
  get(hash: string): MempoolEntry | undefined {
    return this.byHash.get(hash);
  }

  /**
   * Fails with `tx.mempool_full` if a transaction of `bytes` bytes would not
   * fit: checked before the costly signature check and again on add.
   */
  assertRoom(bytes: number): void {
    if (this.byHash.size + 1 > this.limits.maxTxs) {
      throw TxErrors.mempoolFull.create(`the mempool holds its maximum of ${this.limits.maxTxs} transactions`);
    }
    if (this.bytes + bytes > this.limits.maxBytes) {
      throw TxErrors.mempoolFull.create(`the mempool holds ${this.bytes} of at most ${this.limits.maxBytes} bytes`);
    }
  }

  /**
   * Adds a transaction that passed CheckTx. Fails with `tx.already_known` for
   * a hash already held and `tx.mempool_full` when over a limit.
   */
  add(e: { hash: string; tx: Uint8Array; sender: string; sequence: bigint }): MempoolEntry {
    if (this.byHash.has(e.hash)) throw TxErrors.alreadyKnown.create(`transaction ${e.hash} is already in the mempool`);
    this.assertRoom(e.tx.length);
    const entry: MempoolEntry = {
      hash: e.hash,
      tx: e.tx,
      sender: e.sender,
      sequence: e.sequence,
      arrival: this.arrivals++,
    };
    this.byHash.set(e.hash, entry);
    let list = this.bySender.get(e.sender);
    if (!list) {
      list = [];
      this.bySender.set(e.sender, list);
    }
    // Usually appended (CheckTx accepts sequences in order); insert in place otherwise.
    let i = list.length;
    while (i > 0 && (list[i - 1] as MempoolEntry).sequence > e.sequence) i--;
    list.splice(i, 0, entry);
    this.bytes += e.tx.length;
    return entry;
  }

  /** Removes a transaction; returns it if it was held. */
  remove(hash: string): MempoolEntry | undefined {
    const e = this.byHash.get(hash);
    if (!e) return undefined;
    this.byHash.delete(hash);
    this.bytes -= e.tx.length;
    const list = this.bySender.get(e.sender);
    if (list) {
      const i = list.indexOf(e);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.bySender.delete(e.sender);
    }
    return e;
  }

  /** Every entry in arrival order (for Recheck, which must replay them in the order they were accepted). */
  entries(): MempoolEntry[] {
    return [...this.byHash.values()];
  }

  /**
   * Transactions for the next block: arrival order, except that an account's
   * transaction waits for every lower sequence of the same account still held
   * (it is taken right after that one instead). Stops at `maxTxs` and skips
   * an account once one of its transactions does not fit in `maxBytes`.
   */
  reap(maxTxs: number, maxBytes: number): MempoolEntry[] {
    const out: MempoolEntry[] = [];
    let bytes = 0;
    /** Per sender, how many of its (sequence-sorted) entries are taken. */
    const taken = new Map<string, number>();
    /** Senders that hit the byte limit: nothing more of theirs may follow. */
    const blocked = new Set<string>();
    /** Entries met before their turn, by sender, waiting for a lower sequence. */
    const deferred = new Map<string, Set<MempoolEntry>>();

    const tryTake = (e: MempoolEntry): boolean => {
      if (blocked.has(e.sender)) return false;
      const list = this.bySender.get(e.sender) ?? [];
      const n = taken.get(e.sender) ?? 0;
      if (list[n] !== e) {
        let d = deferred.get(e.sender);
        if (!d) {
          d = new Set();
          deferred.set(e.sender, d);
        }
        d.add(e);
        return false;
      }
      if (bytes + e.tx.length > maxBytes) {
        blocked.add(e.sender);
        return false;
      }
      out.push(e);
      bytes += e.tx.length;
      taken.set(e.sender, n + 1);
      // The next sequence may have arrived earlier and been deferred: it goes now.
      const next = list[n + 1];
      const d = deferred.get(e.sender);
      if (next && d?.has(next) && out.length < maxTxs) {
        d.delete(next);
        tryTake(next);
      }
      return true;
    };

    for (const e of this.byHash.values()) {
      if (out.length >= maxTxs) break;
      tryTake(e);
    }
    return out;
  }
}
