import { CodecErrors } from "../core-errors.js";

/**
 * Strict reader over canonical bytes: every read checks bounds, so truncated
 * input fails with `tx.malformed`-style codec errors instead of garbage.
 */
export class Reader {
  private off = 0;
  private readonly view: DataView;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
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
    const v = this.view.getUint32(this.off, true);
    this.off += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.off, true);
    this.off += 8;
    return v;
  }
  u128(): bigint {
    this.need(16);
    const lo = this.view.getBigUint64(this.off, true);
    const hi = this.view.getBigUint64(this.off + 8, true);
    this.off += 16;
    return (hi << 64n) | lo;
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
}
