/** Growable little-endian byte writer used by every codec. */
export class Writer {
  private buf: Uint8Array;
  private view: DataView;
  private off = 0;
  constructor(capacity = 64) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }
  private ensure(n: number): void {
    if (this.off + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.off + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.off));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.off++] = v;
  }
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.off, v, true);
    this.off += 4;
  }
  u64(v: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.off, v, true);
    this.off += 8;
  }
  u128(v: bigint): void {
    this.ensure(16);
    this.view.setBigUint64(this.off, v & 0xffff_ffff_ffff_ffffn, true);
    this.view.setBigUint64(this.off + 8, v >> 64n, true);
    this.off += 16;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.off);
    this.off += b.length;
  }
  /** Size of the buffer written into. */
  get capacity(): number {
    return this.buf.length;
  }
  /** Forgets what was written, keeping the buffer. */
  reset(): void {
    this.off = 0;
  }
  /** The written bytes (a copy, so the writer may be reused). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.off);
  }
}
