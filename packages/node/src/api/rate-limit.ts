/**
 * Per-client token buckets. Hand-written rather than @fastify/rate-limit
 * because that plugin is not a dependency and the need is small: one bucket per
 * client key, refilled continuously, in memory (a node serves its own clients;
 * there is no shared store to coordinate with).
 */

/** Options of {@link TokenBucketLimiter}. */
export interface TokenBucketOptions {
  /** Sustained requests per second per client. */
  perSecond: number;
  /** Bucket size: how many requests a quiet client may make at once (default: one second's worth). */
  burst?: number;
  /**
   * Most clients tracked. Beyond it the least recently seen is forgotten — a
   * forgotten client starts with a full bucket, so memory is bounded at the
   * cost of letting a client that hides among more than this many addresses burst again.
   */
  maxClients?: number;
}

interface Bucket {
  tokens: number;
  /** Time of the last refill, ms. */
  at: number;
}

/** Outcome of {@link TokenBucketLimiter.take}. */
export interface TakeResult {
  ok: boolean;
  /** When refused: milliseconds until one token is available. */
  retryAfterMs: number;
}

/** A set of token buckets keyed by client (IP address). */
export class TokenBucketLimiter {
  private readonly rate: number;
  private readonly burst: number;
  private readonly maxClients: number;
  /** Insertion-ordered: re-inserting on use keeps the least recently seen first, for eviction. */
  private readonly buckets = new Map<string, Bucket>();

  constructor(opts: TokenBucketOptions) {
    if (!(opts.perSecond > 0)) throw new RangeError("rate limit perSecond must be positive");
    this.rate = opts.perSecond / 1000;
    this.burst = Math.max(1, opts.burst ?? opts.perSecond);
    this.maxClients = opts.maxClients ?? 100_000;
  }

  /** Takes one token for `key` at time `now` (ms). */
  take(key: string, now: number = Date.now()): TakeResult {
    let b = this.buckets.get(key);
    if (b) {
      this.buckets.delete(key);
      b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * this.rate);
      b.at = now;
    } else {
      b = { tokens: this.burst, at: now };
      if (this.buckets.size >= this.maxClients) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) this.buckets.delete(oldest.value);
      }
    }
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true, retryAfterMs: 0 };
    }
    return { ok: false, retryAfterMs: Math.ceil((1 - b.tokens) / this.rate) };
  }

  /** Number of clients currently tracked. */
  get size(): number {
    return this.buckets.size;
  }
}
