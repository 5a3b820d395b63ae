import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { concatBytes, didOf, RecordErrors, sha256, toHex, utf8 } from "@urbis/protocol";
import { FileBlobStore } from "./store.js";

const alice = didOf(sha256(utf8("store-test/alice")));
const bob = didOf(sha256(utf8("store-test/bob")));
const key = (recipient: string, fill: number) => ({ recipient, sealed: new Uint8Array(80).fill(fill) });
const blobOf = (s: string) => concatBytes(Uint8Array.of(1), new Uint8Array(24), utf8(s.padEnd(16, ".")));

describe("FileBlobStore", () => {
  let dir = "";
  let store: FileBlobStore;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "urbis-blobs-"));
    store = await FileBlobStore.open(dir, { noSync: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("stores a blob under its hash with its wrapped keys, idempotently", async () => {
    const blob = blobOf("one");
    const hash = toHex(sha256(blob));
    const first = await store.put(hash, blob, alice, [key(`${alice}#enc-1`, 1)]);
    assert.deepEqual(first, { created: true, added: [`${alice}#enc-1`], wrappedKeys: 1 });
    assert.deepEqual(readFileSync(store.blobPath(hash)), Buffer.from(blob));
    const again = await store.put(hash, blob, alice, [key(`${alice}#enc-1`, 1), key(`${bob}#enc-1`, 2)]);
    assert.deepEqual(again, { created: false, added: [`${bob}#enc-1`], wrappedKeys: 2 });
    assert.deepEqual(await store.read(hash), blob);
    const meta = await store.meta(hash);
    assert.equal(meta?.uploader, alice);
    assert.deepEqual(
      meta?.wrappedKeys.map((k) => k.recipient),
      [`${alice}#enc-1`, `${bob}#enc-1`],
    );
    // Atomic writes leave no temporary files behind.
    assert.deepEqual(readdirSync(join(dir, "tmp")), []);
  });

  it("answers undefined for unknown blobs and unknown_blob when adding keys to one", async () => {
    const hash = "00".repeat(32);
    assert.equal(await store.read(hash), undefined);
    assert.equal(await store.meta(hash), undefined);
    await assert.rejects(store.addKeys(hash, alice, [key(`${alice}#enc-1`, 1)]), (e) => RecordErrors.unknownBlob.is(e));
  });

  it("lets only the uploader add keys, and never replaces a recipient's key", async () => {
    const blob = blobOf("two");
    const hash = toHex(sha256(blob));
    await store.put(hash, blob, alice, [key(`${alice}#enc-1`, 1)]);
    await assert.rejects(store.addKeys(hash, bob, [key(`${bob}#enc-1`, 2)]), (e) => RecordErrors.notUploader.is(e));
    await assert.rejects(store.put(hash, blob, bob, [key(`${bob}#enc-1`, 2)]), (e) => RecordErrors.notUploader.is(e));
    await assert.rejects(store.addKeys(hash, alice, [key(`${alice}#enc-1`, 9)]), (e) =>
      RecordErrors.wrappedKeyConflict.is(e),
    );
    // Re-sending a key that is already there is a no-op, for anyone.
    assert.deepEqual(await store.addKeys(hash, bob, [key(`${alice}#enc-1`, 1)]), { added: [], wrappedKeys: 1 });
    assert.deepEqual(await store.addKeys(hash, alice, [key(`${bob}#enc-1`, 2)]), {
      added: [`${bob}#enc-1`],
      wrappedKeys: 2,
    });
  });

  it("serializes concurrent key additions for one blob without losing any", async () => {
    const blob = blobOf("three");
    const hash = toHex(sha256(blob));
    await store.put(hash, blob, alice, []);
    const recipients = Array.from({ length: 20 }, (_, i) => `${bob}#k${i}`);
    await Promise.all(recipients.map((r, i) => store.addKeys(hash, alice, [key(r, i)])));
    assert.equal((await store.meta(hash))?.wrappedKeys.length, 20);
  });

  it("detects a blob altered on disk and repairs it from a verified upload", async () => {
    const blob = blobOf("four");
    const hash = toHex(sha256(blob));
    await store.put(hash, blob, alice, [key(`${alice}#enc-1`, 1)]);
    const bad = blob.slice();
    bad[30] = (bad[30] as number) ^ 1;
    writeFileSync(store.blobPath(hash), bad);
    await assert.rejects(store.read(hash), (e) => RecordErrors.storedBlobCorrupt.is(e));
    const r = await store.put(hash, blob, alice, []);
    assert.equal(r.created, true, "the corrupt copy was replaced");
    assert.deepEqual(await store.read(hash), blob);
    writeFileSync(`${store.blobPath(hash)}.keys.json`, "{not json");
    await assert.rejects(store.meta(hash), (e) => RecordErrors.storedBlobCorrupt.is(e));
  });
});
