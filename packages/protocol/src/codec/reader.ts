import { CodecErrors } from "../core-errors.js";

/**
 * Strict reader over canonical bytes: every read checks bounds, so truncated
 * input fails with `tx.malformed`-style codec errors instead of garbage.
 */
export class Reader {
  private off = 0;
  // Integers are assembled from bytes rather than read through a DataView: a reader is made for
  // every value decoded, and creating the view cost more than the reads it served.
  constructor(readonly buf: Uint8Array) {}
  get offset(): number {
    return this.off;
  }
  get remaining(): number {
    return this.buf.length - this.off;
  }
  private need(n: number): void {
    if (this.off + n > this.buf.length) {
      throw CodecErrors.truncated.create(`needed ${n} bytes at offset ${this.off}, have ${this.remaining}`);
    }
  }
  u8(): number {
    this.need(1);
    return this.buf[this.off++] as number;
  }
  u32(): number {
    this.need(4);
    const v = this.le32(this.off);
    this.off += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.le64(this.off);
    this.off += 8;
    return v;
  }
  u128(): bigint {
    this.need(16);
    const lo = this.le64(this.off);
    const hi = this.le64(this.off + 8);
    this.off += 16;
    return hi === 0n ? lo : (hi << 64n) | lo;
  }
  /** A view (not a copy) of the next `n` bytes. */
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }
  /** Fails unless every byte was consumed: canonical input has no trailing bytes. */
  end(): void {
    if (this.off !== this.buf.length) {
      throw CodecErrors.trailing.create(`${this.remaining} trailing bytes after offset ${this.off}`);
    }
  }

  private le32(o: number): number {
    const b = this.buf;
    return (
      ((b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16)) +
      (b[o + 3] as number) * 0x100_0000
    );
  }

  private le64(o: number): bigint {
    const lo = this.le32(o);
    const hi = this.le32(o + 4);
    // Below 2^53 one exact Number conversion; above it, exact bigint arithmetic.
    return hi < 0x20_0000 ? BigInt(hi * 0x1_0000_0000 + lo) : (BigInt(hi) << 32n) | BigInt(lo);
  }
}
