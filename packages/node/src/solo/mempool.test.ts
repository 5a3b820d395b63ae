import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TxErrors } from "@urbis/protocol";
import { Mempool } from "./mempool.js";

let n = 0;
function entry(sender: string, sequence: bigint, size = 10) {
  n++;
  return { hash: `h${n}`, tx: new Uint8Array(size), sender, sequence };
}

describe("Mempool", () => {
  it("reaps in arrival order across accounts", () => {
    const m = new Mempool();
    const a0 = m.add(entry("a", 0n));
    const b0 = m.add(entry("b", 0n));
    const a1 = m.add(entry("a", 1n));
    const c0 = m.add(entry("c", 0n));
    assert.deepEqual(
      m.reap(100, 1_000_000).map((e) => e.hash),
      [a0, b0, a1, c0].map((e) => e.hash),
    );
  });

  it("never reaps a later sequence before an earlier one of the same account", () => {
    const m = new Mempool();
    // Out of order arrival (possible only if CheckTx were bypassed, but the pool must not rely on it).
    const a2 = m.add(entry("a", 2n));
    const b0 = m.add(entry("b", 0n));
    const a1 = m.add(entry("a", 1n));
    const a0 = m.add(entry("a", 0n));
    const got = m.reap(100, 1_000_000).map((e) => e.hash);
    assert.deepEqual(
      got,
      [b0, a0, a1, a2].map((e) => e.hash),
    );
  });

  it("stops at the transaction limit and keeps sequences contiguous under the byte limit", () => {
    const m = new Mempool();
    const a0 = m.add(entry("a", 0n, 10));
    m.add(entry("a", 1n, 100)); // too big for the budget left: a's later ones must wait too
    m.add(entry("a", 2n, 1));
    const b0 = m.add(entry("b", 0n, 10));
    assert.deepEqual(
      m.reap(100, 50).map((e) => e.hash),
      [a0.hash, b0.hash],
    );
    assert.equal(m.reap(1, 1_000).length, 1);
  });

  it("dedups by hash with tx.already_known", () => {
    const m = new Mempool();
    const e = entry("a", 0n);
    m.add(e);
    assert.throws(
      () => m.add(e),
      (err) => TxErrors.alreadyKnown.is(err),
    );
    assert.equal(m.size, 1);
  });

  it("is bounded by count and by bytes with tx.mempool_full", () => {
    const byCount = new Mempool({ maxTxs: 2 });
    byCount.add(entry("a", 0n));
    byCount.add(entry("a", 1n));
    assert.throws(
      () => byCount.add(entry("a", 2n)),
      (err) => TxErrors.mempoolFull.is(err),
    );
    const byBytes = new Mempool({ maxBytes: 25 });
    byBytes.add(entry("a", 0n, 10));
    byBytes.add(entry("a", 1n, 10));
    assert.throws(
      () => byBytes.add(entry("a", 2n, 10)),
      (err) => TxErrors.mempoolFull.is(err),
    );
    assert.equal(byBytes.sizeBytes, 20);
  });

  it("removes entries and frees their room", () => {
    const m = new Mempool({ maxTxs: 1 });
    const e = m.add(entry("a", 0n, 7));
    assert.equal(m.remove(e.hash)?.hash, e.hash);
    assert.equal(m.size, 0);
    assert.equal(m.sizeBytes, 0);
    assert.equal(m.remove(e.hash), undefined);
    m.add(entry("a", 1n));
    assert.equal(m.size, 1);
  });

  it("lists entries in arrival order for Recheck", () => {
    const m = new Mempool();
    const x = m.add(entry("b", 0n));
    const y = m.add(entry("a", 0n));
    const z = m.add(entry("b", 1n));
    m.remove(y.hash);
    assert.deepEqual(
      m.entries().map((e) => e.hash),
      [x.hash, z.hash],
    );
  });
});
