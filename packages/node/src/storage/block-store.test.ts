import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { InvariantViolation, sha256, toHex, txHash, utf8 } from "@urbis/protocol";
import type { BlockHeader } from "../service.js";
import { BlockStore, type NewBlock } from "./block-store.js";
import { blockHash, dataHash, decodeHeader, encodeHeader } from "./codecs.js";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "urbis-blocks-"));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function makeBlock(height: bigint, prev: string, txCount: number): NewBlock {
  const txs = Array.from({ length: txCount }, (_, i) => utf8(`tx ${height}/${i}`));
  const header: BlockHeader = {
    chainId: "test-chain",
    height,
    timeMs: 1_700_000_000_000n + height,
    lastBlockHash: prev,
    appHash: toHex(sha256(utf8(`app ${height - 1n}`))),
    dataHash: dataHash(txs.map(txHash)),
  };
  return {
    header,
    txs,
    results: txs.map((_, i) => ({
      code: i % 2,
      codespace: i % 2 ? "bank" : "",
      log: i % 2 ? "insufficient funds" : "",
      events: i % 2 ? [] : [{ type: "bank.transfer", attributes: [{ key: "amount", value: `${i}` }] }],
    })),
    events: [{ type: "block.end", attributes: [] }],
    resultAppHash: toHex(sha256(utf8(`app ${height}`))),
  };
}

async function fill(s: BlockStore, upTo: number, txCount = 3): Promise<string[]> {
  const hashes: string[] = [];
  let prev = "";
  for (let h = 1; h <= upTo; h++) {
    const { hash } = await s.save(makeBlock(BigInt(h), prev, txCount));
    hashes.push(hash);
    prev = hash;
  }
  return hashes;
}

describe("block codecs", () => {
  it("round-trips headers and hashes their canonical bytes", () => {
    const h = makeBlock(7n, toHex(sha256(utf8("prev"))), 2).header;
    assert.deepEqual(decodeHeader(encodeHeader(h)), h);
    assert.equal(blockHash(h), toHex(sha256(encodeHeader(h))));
    assert.match(blockHash(h), /^[0-9a-f]{64}$/);
  });

  it("computes the data hash over the concatenated raw tx hashes", () => {
    const a = txHash(utf8("a"));
    const b = txHash(utf8("b"));
    const raw = new Uint8Array(64);
    raw.set(sha256(utf8("a")));
    raw.set(sha256(utf8("b")), 32);
    assert.equal(dataHash([a, b]), toHex(sha256(raw)));
    assert.equal(dataHash([]), toHex(sha256(new Uint8Array(0))));
  });
});

describe("BlockStore", () => {
  it("round-trips blocks, results and the tx index, and survives reopening", async () => {
    const dir = tempDir();
    let s = BlockStore.open(dir);
    assert.equal(s.height(), 0n);
    const hashes = await fill(s, 3);
    assert.equal(s.height(), 3n);
    await s.close();

    s = BlockStore.open(dir);
    assert.equal(s.height(), 3n);
    assert.equal(s.base(), 1n);
    const want = makeBlock(2n, hashes[0] as string, 3);
    const got = s.block(2n);
    assert.ok(got);
    assert.equal(got.hash, hashes[1]);
    assert.deepEqual(got.header, want.header);
    assert.deepEqual(got.txs, want.txs);
    assert.deepEqual(got.txHashes, want.txs.map(txHash));
    assert.deepEqual(got.results, want.results);
    assert.deepEqual(got.events, want.events);
    assert.equal(got.resultAppHash, want.resultAppHash);
    assert.equal(s.heightOf(hashes[2] as string), 3n);

    const t = s.tx(txHash(want.txs[1] as Uint8Array));
    assert.ok(t);
    assert.equal(t.height, 2n);
    assert.equal(t.index, 1);
    assert.deepEqual(t.tx, want.txs[1]);
    assert.deepEqual(t.result, want.results[1]);
    assert.equal(t.timeMs, want.header.timeMs);
    assert.equal(s.tx("00".repeat(32)), undefined);
    assert.equal(s.tx("not a hash"), undefined);
    assert.equal(s.block(4n), undefined);
    await s.close();
  });

  it("refuses a height that does not follow and a wrong data hash", async () => {
    const s = BlockStore.open(tempDir());
    await fill(s, 1);
    await assert.rejects(s.save(makeBlock(3n, "", 1)), InvariantViolation);
    const bad = makeBlock(2n, "", 2);
    bad.header.dataHash = "00".repeat(32);
    await assert.rejects(s.save(bad), InvariantViolation);
    assert.equal(s.height(), 1n);
    await s.close();
  });

  it("prunes below a retain height, index included, and keeps the rest", async () => {
    const dir = tempDir();
    let s = BlockStore.open(dir);
    await fill(s, 10, 2);
    const oldTx = txHash(makeBlock(2n, "", 2).txs[0] as Uint8Array);
    assert.ok(s.tx(oldTx));
    assert.equal(await s.prune(6n, 2), 5);
    assert.equal(s.base(), 6n);
    assert.equal(s.block(5n), undefined);
    assert.equal(s.tx(oldTx), undefined);
    assert.ok(s.block(6n));
    assert.ok(s.tx(txHash(makeBlock(6n, "", 2).txs[1] as Uint8Array)));
    // Never prunes the last block, and pruning again is a no-op.
    assert.equal(await s.prune(100n), 4);
    assert.equal(s.base(), 10n);
    assert.ok(s.block(10n));
    assert.equal(await s.prune(5n), 0);
    await s.close();
    s = BlockStore.open(dir);
    assert.equal(s.base(), 10n);
    assert.equal(s.height(), 10n);
    await s.close();
  });
});
