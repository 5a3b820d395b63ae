import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { base64ToBytes, bytesToBase64 } from "@urbis/protocol";
import fc from "fast-check";
import { nativeBase64ToBytes, nativeBytesToBase64 } from "./base64.js";

describe("native base64", () => {
  it("agrees with the protocol's codec both ways", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const s = bytesToBase64(b);
        assert.equal(nativeBytesToBase64(b), s);
        assert.deepEqual(nativeBase64ToBytes(s), base64ToBytes(s));
      }),
    );
  });

  it("encodes a view of a larger buffer by its own bytes", () => {
    const whole = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    assert.equal(nativeBytesToBase64(whole.subarray(2, 5)), bytesToBase64(Uint8Array.from([3, 4, 5])));
  });

  it("refuses what the protocol's decoder refuses", () => {
    for (const bad of ["A", "AB=", "AB==", "A B=", "AAA*", "AAAA=", "-_8=", "AAAAA==="]) {
      assert.equal(nativeBase64ToBytes(bad), undefined, bad);
      assert.throws(() => base64ToBytes(bad), bad);
    }
    assert.deepEqual(nativeBase64ToBytes(""), new Uint8Array(0));
  });
});
