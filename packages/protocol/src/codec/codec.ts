/**
 * The one codec for canonical bytes (transactions, state values, hashes).
 *
 * The layout is Borsh's (little-endian fixed-width integers, u32 length
 * prefixes, 0/1 option tags), so clients in other languages can use any Borsh
 * library. Written here rather than taken from `borsh` on npm because that
 * package decodes byte strings to number[] and accepts trailing bytes, and
 * consensus needs exactly one accepted encoding per value.
 */
import { fromUtf8, utf8 } from "../bytes.js";
import { CodecErrors } from "../core-errors.js";
import { Reader } from "./reader.js";
import { Writer } from "./writer.js";

/** Reads and writes one type of value. */
export interface Codec<T> {
  write(w: Writer, v: T): void;
  read(r: Reader): T;
}

/** The value type a codec carries. */
export type Infer<C> = C extends Codec<infer T> ? T : never;

/**
 * Writers kept between calls: a transaction encodes a handful of small state
 * values, and a fresh writer each time (buffer, view, growth) was a visible
 * share of the allocation the garbage collector then pays for. A stack, not
 * one writer, because a codec may call encode() inside its own write.
 */
const spareWriters: Writer[] = [];
/** A writer grown beyond this (a block, a snapshot chunk) is dropped rather than kept. */
const SPARE_WRITER_MAX_BYTES = 64 * 1024;

/** Canonical bytes of `v`. */
export function encode<T>(codec: Codec<T>, v: T): Uint8Array {
  const w = spareWriters.pop() ?? new Writer(256);
  try {
    codec.write(w, v);
    return w.finish();
  } finally {
    if (w.capacity <= SPARE_WRITER_MAX_BYTES && spareWriters.length < 16) {
      w.reset();
      spareWriters.push(w);
    }
  }
}

/** Decodes canonical bytes, rejecting truncated input and trailing bytes. */
export function decode<T>(codec: Codec<T>, bytes: Uint8Array): T {
  const r = new Reader(bytes);
  const v = codec.read(r);
  r.end();
  return v;
}

const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;

function intCodec(bits: number): Codec<number> {
  const max = 2 ** bits - 1;
  return {
    write(w, v) {
      if (!Number.isInteger(v) || v < 0 || v > max) throw CodecErrors.outOfRange.create(`${v} is not a u${bits}`);
      if (bits === 8) w.u8(v);
      else w.u32(v);
    },
    read(r) {
      return bits === 8 ? r.u8() : r.u32();
    },
  };
}

/** Unsigned 8-bit integer. */
export const u8: Codec<number> = intCodec(8);
/** Unsigned 32-bit integer. */
export const u32: Codec<number> = intCodec(32);

/** Unsigned 64-bit integer as bigint. */
export const u64: Codec<bigint> = {
  write(w, v) {
    if (typeof v !== "bigint" || v < 0n || v > U64_MAX) throw CodecErrors.outOfRange.create(`${v} is not a u64`);
    w.u64(v);
  },
  read: (r) => r.u64(),
};

/** Unsigned 128-bit integer as bigint: the type of every amount of money. */
export const u128: Codec<bigint> = {
  write(w, v) {
    if (typeof v !== "bigint" || v < 0n || v > U128_MAX) throw CodecErrors.outOfRange.create(`${v} is not a u128`);
    w.u128(v);
  },
  read: (r) => r.u128(),
};

/** Largest u128: amounts above it overflow. */
export const MAX_U128 = U128_MAX;
/** Largest u64. */
export const MAX_U64 = U64_MAX;

/** Boolean as one byte, 0 or 1 only. */
export const bool: Codec<boolean> = {
  write(w, v) {
    w.u8(v ? 1 : 0);
  },
  read(r) {
    const b = r.u8();
    if (b > 1) throw CodecErrors.invalidBool.create(`boolean byte ${b}`);
    return b === 1;
  },
};

/** Length-prefixed byte string (u32 length), at most `max` bytes. */
export function bytes(max = 0xffff_ffff): Codec<Uint8Array> {
  return {
    write(w, v) {
      if (v.length > max) throw CodecErrors.tooLong.create(`${v.length} bytes, at most ${max}`);
      w.u32(v.length);
      w.bytes(v);
    },
    read(r) {
      const n = r.u32();
      if (n > max) throw CodecErrors.tooLong.create(`${n} bytes, at most ${max}`);
      return r.bytes(n).slice();
    },
  };
}

/** Exactly `n` bytes, no length prefix. */
export function fixedBytes(n: number): Codec<Uint8Array> {
  return {
    write(w, v) {
      if (v.length !== n) throw CodecErrors.outOfRange.create(`${v.length} bytes, expected ${n}`);
      w.bytes(v);
    },
    read: (r) => r.bytes(n).slice(),
  };
}

/** Length-prefixed UTF-8 string, at most `maxBytes` bytes. */
export function string(maxBytes = 0xffff_ffff): Codec<string> {
  const raw = bytes(maxBytes);
  return {
    write(w, v) {
      raw.write(w, utf8(v));
    },
    read(r) {
      const b = raw.read(r);
      try {
        return fromUtf8(b);
      } catch {
        throw CodecErrors.invalidUtf8.create("string is not valid UTF-8");
      }
    },
  };
}

/** Optional value: tag 0 (absent) or 1 followed by the value. */
export function option<T>(inner: Codec<T>): Codec<T | undefined> {
  return {
    write(w, v) {
      if (v === undefined) w.u8(0);
      else {
        w.u8(1);
        inner.write(w, v);
      }
    },
    read(r) {
      const tag = r.u8();
      if (tag === 0) return undefined;
      if (tag !== 1) throw CodecErrors.invalidOption.create(`option tag ${tag}`);
      return inner.read(r);
    },
  };
}

/** List with a u32 count, at most `max` items. */
export function vec<T>(inner: Codec<T>, max = 0xffff_ffff): Codec<T[]> {
  return {
    write(w, v) {
      if (v.length > max) throw CodecErrors.tooLong.create(`${v.length} items, at most ${max}`);
      w.u32(v.length);
      for (const x of v) inner.write(w, x);
    },
    read(r) {
      const n = r.u32();
      if (n > max) throw CodecErrors.tooLong.create(`${n} items, at most ${max}`);
      // Every item takes at least one byte, so a count beyond the remaining bytes is a lie.
      if (n > r.remaining) throw CodecErrors.truncated.create(`${n} items but ${r.remaining} bytes left`);
      const out: T[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = inner.read(r);
      return out;
    },
  };
}

type Shape = Record<string, Codec<any>>;
/** The object type a struct shape describes. */
export type StructOf<S extends Shape> = { [K in keyof S]: Infer<S[K]> };

/** Fields written in declaration order, with no names or tags on the wire. */
export function struct<S extends Shape>(shape: S): Codec<StructOf<S>> {
  const fields = Object.entries(shape);
  return {
    write(w, v) {
      for (const [k, c] of fields) c.write(w, (v as Record<string, unknown>)[k]);
    },
    read(r) {
      const out: Record<string, unknown> = {};
      for (const [k, c] of fields) out[k] = c.read(r);
      return out as StructOf<S>;
    },
  };
}

/** A codec for `B` built on one for `A`, e.g. an address string over 20 bytes. */
export function mapped<A, B>(inner: Codec<A>, to: (a: A) => B, from: (b: B) => A): Codec<B> {
  return {
    write: (w, v) => inner.write(w, from(v)),
    read: (r) => to(inner.read(r)),
  };
}
