/** Small byte helpers shared by every layer. Browser-safe: no Node built-ins. */
import { hex } from "@scure/base";

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

/** Lowercase hex of `b`. */
export function toHex(b: Uint8Array): string {
  return hex.encode(b);
}

/** Bytes of a hex string; throws on odd length or non-hex characters. */
export function fromHex(s: string): Uint8Array {
  return hex.decode(s.startsWith("0x") ? s.slice(2) : s);
}

/**
 * Below this length a JS loop beats the TextEncoder/TextDecoder call, whose
 * fixed cost dominates for the short ASCII strings of keys, denoms and
 * addresses that every transaction encodes several times.
 */
const SHORT = 64;

/** UTF-8 bytes of `s`. */
export function utf8(s: string): Uint8Array {
  const n = s.length;
  if (n > SHORT) return utf8Encoder.encode(s);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return utf8Encoder.encode(s);
    out[i] = c;
  }
  return out;
}

/** Strict UTF-8 decoding: invalid sequences throw. */
export function fromUtf8(b: Uint8Array): string {
  const n = b.length;
  if (n > SHORT) return utf8Decoder.decode(b);
  for (let i = 0; i < n; i++) if ((b[i] as number) >= 0x80) return utf8Decoder.decode(b);
  // ASCII is valid UTF-8 and decodes to itself (it cannot hold a byte-order mark to strip).
  return String.fromCharCode.apply(null, b as unknown as number[]);
}

/** Concatenation of byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic byte order, the only key order the state machine relies on. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Whether `b` starts with `prefix`. */
export function hasPrefix(b: Uint8Array, prefix: Uint8Array): boolean {
  if (b.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix[i]) return false;
  return true;
}

/**
 * The smallest key greater than every key starting with `prefix`
 * (undefined when the prefix is all 0xff), for exclusive range ends.
 */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  const end = prefix.slice();
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1;
      return end.subarray(0, i + 1);
    }
  }
  return undefined;
}

/** A byte string as a JS string with one char per byte: a cheap, order-preserving Map key. */
export function bytesKey(b: Uint8Array): string {
  // Store keys are short: one apply call is the fastest browser-safe conversion.
  if (b.length <= 4096) return String.fromCharCode.apply(null, b as unknown as number[]);
  let s = "";
  for (let i = 0; i < b.length; i += 4096) {
    s += String.fromCharCode.apply(null, b.subarray(i, i + 4096) as unknown as number[]);
  }
  return s;
}

/** Inverse of {@link bytesKey}. */
export function keyBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** 8-byte big-endian form of a u64: store keys with it sort in numeric order. */
export function be64(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

/** The u64 of 8 big-endian bytes at `offset` (inverse of {@link be64}). */
export function readBe64(b: Uint8Array, offset: number): bigint {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(offset);
}
