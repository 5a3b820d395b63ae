/**
 * Test support for the tests only (`@urbis/protocol/test-support`, never
 * imported by the package itself; it needs Node's assert): the codec property
 * every message and state type must have, and a way to read which registered
 * error a validation throws.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { toHex } from "./bytes.js";
import { type Codec, decode, encode } from "./codec/index.js";
import { UrbisError } from "./errors.js";

/** fc.record with plain-prototype objects, so deepEqual compares them with decoded values (forwards its overloads unchanged). */
export const rec = ((model: any, constraints?: any) =>
  fc.record(model, { ...constraints, noNullPrototype: true })) as typeof fc.record;

/**
 * The codec property every message and state type must have, checked on
 * `numRuns` values: every value of `arb` decodes back to itself, and has one
 * accepted encoding (re-encoding the decoded value gives the same bytes).
 */
export function roundTripper(numRuns: number): <T>(codec: Codec<T>, arb: fc.Arbitrary<T>) => void {
  return (codec, arb) =>
    fc.assert(
      fc.property(arb, (v) => {
        const bytes = encode(codec, v);
        assert.deepEqual(decode(codec, bytes), v);
        assert.equal(toHex(encode(codec, decode(codec, bytes))), toHex(bytes));
      }),
      { numRuns },
    );
}

/** The id (`codespace.name`) of the registered error `fn` throws, or "ok" when it returns. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof UrbisError) return e.id;
    throw e;
  }
  return "ok";
}
