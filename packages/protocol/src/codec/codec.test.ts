import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { CodecErrors } from "../core-errors.js";
import {
  bool,
  bytes,
  type Codec,
  decode,
  encode,
  fixedBytes,
  MAX_U64,
  MAX_U128,
  option,
  string,
  struct,
  u8,
  u32,
  u64,
  u128,
  vec,
} from "./codec.js";

const sample = struct({
  a: u8,
  b: u32,
  c: u64,
  d: u128,
  e: bool,
  f: bytes(64),
  g: string(64),
  h: option(u64),
  i: vec(struct({ x: fixedBytes(4), y: string() }), 8),
});

const arbSample = fc
  .record({
    a: fc.integer({ min: 0, max: 255 }),
    b: fc.integer({ min: 0, max: 0xffff_ffff }),
    c: fc.bigInt({ min: 0n, max: MAX_U64 }),
    d: fc.bigInt({ min: 0n, max: MAX_U128 }),
    e: fc.boolean(),
    f: fc.uint8Array({ maxLength: 64 }),
    // Sixteen graphemes can exceed string(64)'s 64 UTF-8 bytes (a grapheme may be several code points).
    g: fc.string({ maxLength: 16, unit: "grapheme" }).filter((s) => new TextEncoder().encode(s).length <= 64),
    h: fc.option(fc.bigInt({ min: 0n, max: MAX_U64 }), { nil: undefined }),
    i: fc.array(
      fc
        .record({ x: fc.uint8Array({ minLength: 4, maxLength: 4 }), y: fc.string({ maxLength: 8 }) })
        .map((r) => ({ ...r })),
      { maxLength: 8 },
    ),
  })
  .map((r) => ({ ...r }));

describe("codec", () => {
  it("round-trips every value", () => {
    fc.assert(
      fc.property(arbSample, (v) => {
        assert.deepEqual(decode(sample, encode(sample, v)), v);
      }),
    );
  });

  it("is canonical: any bytes that decode re-encode to themselves", () => {
    fc.assert(
      fc.property(arbSample, fc.nat(200), fc.integer({ min: 0, max: 255 }), (v, pos, byte) => {
        const b = encode(sample, v);
        const mutated = b.slice();
        if (mutated.length > 0) mutated[pos % mutated.length] = byte;
        let decoded: unknown;
        try {
          decoded = decode(sample, mutated);
        } catch {
          return; // rejected: fine
        }
        assert.deepEqual(encode(sample, decoded as typeof v), mutated);
      }),
    );
  });

  it("rejects every truncation and any trailing byte", () => {
    fc.assert(
      fc.property(arbSample, (v) => {
        const b = encode(sample, v);
        for (let n = 0; n < b.length; n++) assert.throws(() => decode(sample, b.subarray(0, n)));
        assert.throws(
          () => decode(sample, new Uint8Array([...b, 0])),
          (e) => CodecErrors.trailing.is(e),
        );
      }),
      { numRuns: 30 },
    );
  });

  it("uses the Borsh layout", () => {
    assert.deepEqual(encode(u32, 1), new Uint8Array([1, 0, 0, 0]));
    assert.deepEqual(encode(string(), "hi"), new Uint8Array([2, 0, 0, 0, 104, 105]));
    assert.deepEqual(encode(option(u8), undefined), new Uint8Array([0]));
    assert.deepEqual(encode(option(u8), 7), new Uint8Array([1, 7]));
    assert.deepEqual(encode(u128, 1n << 64n), new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]));
  });

  it("refuses out-of-range integers with codec.out_of_range", () => {
    const isRange = (e: unknown) => CodecErrors.outOfRange.is(e);
    assert.throws(() => encode(u64, -1n), isRange);
    assert.throws(() => encode(u64, MAX_U64 + 1n), isRange);
    assert.throws(() => encode(u128, MAX_U128 + 1n), isRange);
    assert.throws(() => encode(u8, 256), isRange);
    assert.throws(() => encode(u32, 1.5), isRange);
  });

  it("rejects invalid booleans, option tags, UTF-8 and over-long values", () => {
    assert.throws(
      () => decode(bool, new Uint8Array([2])),
      (e) => CodecErrors.invalidBool.is(e),
    );
    assert.throws(
      () => decode(option(u8), new Uint8Array([2, 0])),
      (e) => CodecErrors.invalidOption.is(e),
    );
    assert.throws(
      () => decode(string(), new Uint8Array([1, 0, 0, 0, 0xff])),
      (e) => CodecErrors.invalidUtf8.is(e),
    );
    assert.throws(
      () => decode(bytes(2), new Uint8Array([3, 0, 0, 0, 1, 2, 3])),
      (e) => CodecErrors.tooLong.is(e),
    );
    // A huge list count with few bytes left must fail fast, not allocate.
    assert.throws(
      () => decode(vec(u8), new Uint8Array([255, 255, 255, 255])),
      (e) => CodecErrors.truncated.is(e),
    );
  });
});

describe("encode's reused writers", () => {
  const pair = struct({ a: u32, b: bytes() });
  // A codec that encodes something else in the middle of its own write, as wrapped messages do.
  const nested: Codec<{ a: number; b: Uint8Array }> = {
    write(w, v) {
      const inner = encode(pair, v);
      w.u32(inner.length);
      w.bytes(inner);
    },
    read(r) {
      return decode(pair, r.bytes(r.u32()).slice());
    },
  };

  it("give the same bytes whatever was encoded before, nested or large", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ a: fc.nat(), b: fc.uint8Array({ maxLength: 100_000 }) }), { maxLength: 6 }),
        (vs) => {
          for (const v of vs) {
            const once = encode(nested, v);
            assert.deepEqual({ ...decode(nested, once) }, { a: v.a, b: v.b });
            assert.deepEqual(encode(nested, v), once);
            assert.equal(once.length, 4 + 4 + 4 + v.b.length);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("hand out independent results", () => {
    const x = encode(pair, { a: 1, b: Uint8Array.of(1, 2, 3) });
    const y = encode(pair, { a: 2, b: Uint8Array.of(9) });
    assert.deepEqual([...x], [1, 0, 0, 0, 3, 0, 0, 0, 1, 2, 3]);
    assert.deepEqual([...y], [2, 0, 0, 0, 1, 0, 0, 0, 9]);
  });
});

describe("integer reads at the edges", () => {
  it("round-trip u64 and u128 around 2^32, 2^53 and their maxima", () => {
    const edges = [0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, MAX_U64];
    for (const v of edges) {
      assert.equal(decode(u64, encode(u64, v)), v);
      assert.equal(decode(u128, encode(u128, v)), v);
      for (const hi of [1n, 2n ** 53n + 1n, MAX_U64]) {
        const w = (hi << 64n) | v;
        assert.equal(decode(u128, encode(u128, w)), w);
      }
    }
    assert.equal(decode(u128, encode(u128, MAX_U128)), MAX_U128);
    assert.equal(decode(u32, encode(u32, 0xffff_ffff)), 0xffff_ffff);
  });
});
