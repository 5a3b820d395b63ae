import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as proof from "@urbis/protocol";
import fc from "fast-check";
import { hashPairInto, internalHash, leafHash, sha256 } from "./hash.js";

describe("fast hashes agree with @urbis/protocol's rules", () => {
  const h32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
  it("leaf and internal hashes", () => {
    fc.assert(
      fc.property(h32, h32, (a, b) => {
        assert.deepEqual(leafHash(a, b), proof.leafHash(a, b));
        assert.deepEqual(internalHash(a, b), proof.internalHash(a, b));
      }),
      { numRuns: 500 },
    );
    const ff = new Uint8Array(32).fill(0xff);
    assert.deepEqual(internalHash(ff, ff), proof.internalHash(ff, ff));
    assert.deepEqual(leafHash(proof.EMPTY_ROOT, ff), proof.leafHash(proof.EMPTY_ROOT, ff));
  });
  it("hashes a pair in place, at any offsets", () => {
    fc.assert(
      fc.property(h32, h32, fc.nat(40), fc.nat(40), (a, b, off, outOff) => {
        const src = new Uint8Array(off + 64 + 3);
        src.set(a, off);
        src.set(b, off + 32);
        const dst = new Uint8Array(outOff + 32 + 5).fill(0xaa);
        hashPairInto(0x01, src, off, dst, outOff);
        assert.deepEqual(dst.subarray(outOff, outOff + 32), proof.internalHash(a, b));
        assert.ok(dst.subarray(0, outOff).every((x) => x === 0xaa));
        assert.ok(dst.subarray(outOff + 32).every((x) => x === 0xaa));
      }),
      { numRuns: 200 },
    );
  });
  it("sha256 of any length", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (d) => {
        const h = sha256(d);
        assert.deepEqual(h, proof.sha256(d));
        assert.equal(Object.getPrototypeOf(h), Uint8Array.prototype);
      }),
    );
  });
});
