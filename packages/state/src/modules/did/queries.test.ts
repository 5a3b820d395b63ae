/**
 * `did/resolve` and `did/history`: the latest version, versions by number and
 * by time (whole seconds), deactivation reported as `did.deactivated` carrying
 * the result, and every malformed or unknown input with its code.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  createDidMessage,
  DidErrors,
  type DidResolutionResultJson,
  deactivateDidMessage,
  didOf,
  type ErrorDef,
  ed25519ToMultibase,
  formatDidTime,
  type UrbisError,
  updateDidMessage,
} from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import { setup, T0, testPair } from "./testing.js";

const ALICE = testPair(1);
const KEYS = [2, 3, 4, 5].map(testPair);
const DID = didOf(ALICE.publicKey);

const content = (publicKey: Uint8Array) => ({
  controllers: [],
  verificationMethods: [{ fragment: "key-1", publicKey }],
  authentication: ["key-1"],
  assertionMethod: ["key-1"],
  keyAgreement: [],
  services: [],
});

/**
 * Alice's DID with four rotations: version v (1..5) is made at T0 + (v − 1)·10.5 s,
 * its key is KEYS[v − 2] (ALICE for v = 1); version 6 deactivates it at T0 + 60 s.
 */
function history(deactivate: boolean) {
  const t = setup();
  t.run(ALICE.publicKey, createDidMessage({ kind: "person", publicKey: ALICE.publicKey }));
  let signer = ALICE.publicKey;
  KEYS.forEach((k, i) => {
    t.next(10_500n);
    t.run(signer, updateDidMessage(DID, i + 1, content(k.publicKey)));
    signer = k.publicKey;
  });
  if (deactivate) {
    t.next(60_000n - 42_000n);
    t.run(signer, deactivateDidMessage(DID));
  }
  const query = (path: string, params: Record<string, string>) => {
    const q = t.mod.queries.find((x) => x.path === path);
    assert.ok(q, path);
    return q.handle({ block: t.block(), store: t.store, emit: () => {} }, params);
  };
  const fails = (def: ErrorDef, path: string, params: Record<string, string>) => {
    let caught: unknown;
    assert.throws(
      () => query(path, params),
      (e: unknown) => {
        assert.ok(def.is(e), `expected ${def.codespace}.${def.name}, got ${String(e)}`);
        caught = e;
        return true;
      },
    );
    return caught as UrbisError;
  };
  return { ...t, query, fails };
}

const resolve = (h: ReturnType<typeof history>, params: Record<string, string> = {}) =>
  h.query("did/resolve", { did: DID, ...params }) as DidResolutionResultJson;
const keyOf = (r: DidResolutionResultJson) => r.didDocument.verificationMethod?.[0]?.publicKeyMultibase;

describe("did/resolve", () => {
  it("answers the latest version", () => {
    const h = history(false);
    const r = resolve(h);
    assert.equal(r.didDocument.id, DID);
    assert.equal(r.didDocumentMetadata.versionId, "5");
    assert.equal(keyOf(r), ed25519ToMultibase(KEYS[3]!.publicKey));
    assert.equal(r.didDocumentMetadata.created, formatDidTime(T0));
    assert.equal(r.didDocumentMetadata.updated, formatDidTime(T0 + 42_000n));
    assert.equal(r.didDocumentMetadata.nextVersionId, undefined);
  });

  it("answers any version by versionId, naming the next one", () => {
    const h = history(false);
    const v1 = resolve(h, { versionId: "1" });
    assert.equal(keyOf(v1), ed25519ToMultibase(ALICE.publicKey));
    assert.deepEqual(v1.didDocumentMetadata, {
      created: formatDidTime(T0),
      versionId: "1",
      nextVersionId: "2",
      nextUpdate: formatDidTime(T0 + 10_500n),
      kind: "person",
    });
    const v4 = resolve(h, { versionId: "4" });
    assert.equal(keyOf(v4), ed25519ToMultibase(KEYS[2]!.publicKey));
    assert.equal(v4.didDocumentMetadata.nextVersionId, "5");
    assert.equal(resolve(h, { versionId: "5" }).didDocumentMetadata.nextVersionId, undefined);
  });

  it("answers the version that existed at versionTime, in whole seconds", () => {
    const h = history(false);
    const at = (ms: bigint, params: Record<string, string> = {}) =>
      resolve(h, { versionTime: new Date(Number(ms)).toISOString(), ...params }).didDocumentMetadata.versionId;
    assert.equal(at(T0), "1");
    // Version 2 was made at T0 + 10.5 s; its `updated` reads T0 + 10 s, and any time in that second finds it.
    assert.equal(at(T0 + 10_000n), "2");
    assert.equal(at(T0 + 10_499n), "2");
    assert.equal(at(T0 + 9_999n), "1");
    assert.equal(at(T0 + 21_000n), "3");
    assert.equal(at(T0 + 30_999n), "3");
    assert.equal(at(T0 + 31_000n), "4");
    assert.equal(at(T0 + 42_000n), "5");
    assert.equal(at(T0 + 10n ** 9n), "5");
    // Every version's own `updated` (or `created`) resolves to that version.
    for (let v = 1; v <= 5; v++) {
      const meta = resolve(h, { versionId: String(v) }).didDocumentMetadata;
      const time = meta.updated ?? meta.created;
      assert.equal(resolve(h, { versionTime: time }).didDocumentMetadata.versionId, String(v));
    }
    h.fails(DidErrors.versionNotFound, "did/resolve", { did: DID, versionTime: "2024-12-31T23:59:59Z" });
  });

  it("a deactivated DID fails with did.deactivated carrying the result; older versions still resolve", () => {
    const h = history(true);
    const e = h.fails(DidErrors.deactivated, "did/resolve", { did: DID });
    assert.equal(e.def.httpStatus, 410);
    const res = e.details?.resolution as DidResolutionResultJson;
    assert.equal(res.didDocumentMetadata.deactivated, true);
    assert.equal(res.didDocumentMetadata.versionId, "6");
    assert.deepEqual(Object.keys(res.didDocument).sort(), ["@context", "id"]);
    assert.deepEqual(resolve(h, { includeDeactivated: "true" }), res);
    h.fails(DidErrors.deactivated, "did/resolve", { did: DID, versionTime: "2099-01-01T00:00:00Z" });
    const v5 = resolve(h, { versionId: "5" });
    assert.equal(v5.didDocumentMetadata.deactivated, undefined);
    assert.equal(v5.didDocumentMetadata.nextVersionId, "6");
    assert.equal(v5.didDocumentMetadata.nextUpdate, formatDidTime(T0 + 60_000n));
  });

  it("refuses malformed and unknown input with specific codes", () => {
    const h = history(false);
    h.fails(DidErrors.invalidDid, "did/resolve", {});
    h.fails(DidErrors.invalidDid, "did/resolve", { did: `${DID}#key-1` });
    h.fails(DidErrors.invalidDid, "did/resolve", { did: 7 as unknown as string });
    h.fails(DidErrors.notFound, "did/resolve", { did: didOf(KEYS[0]!.publicKey) });
    h.fails(DidErrors.versionNotFound, "did/resolve", { did: DID, versionId: "6" });
    h.fails(DidErrors.invalidResolutionOption, "did/resolve", { did: DID, versionId: "0" });
    h.fails(DidErrors.invalidResolutionOption, "did/resolve", { did: DID, versionTime: "tomorrow" });
    h.fails(DidErrors.invalidResolutionOption, "did/resolve", {
      did: DID,
      versionId: "1",
      versionTime: "2025-01-01T00:00:00Z",
    });
  });
});

describe("did/history", () => {
  it("lists versions with their block, time and state, in pages", () => {
    const h = history(true);
    const all = h.query("did/history", { did: DID }) as any;
    assert.equal(all.latestVersion, 6);
    assert.equal(all.deactivated, true);
    assert.equal(all.kind, "person");
    assert.deepEqual(
      all.versions.map((v: any) => [v.versionId, v.height, v.deactivated]),
      [
        ["1", "1", false],
        ["2", "2", false],
        ["3", "3", false],
        ["4", "4", false],
        ["5", "5", false],
        ["6", "6", true],
      ],
    );
    assert.equal(all.versions[1].timeMs, (T0 + 10_500n).toString());
    assert.equal(all.versions[1].time, formatDidTime(T0 + 10_500n));
    assert.equal(all.nextFromVersion, undefined);
    const page = h.query("did/history", { did: DID, fromVersion: "2", limit: "2" }) as any;
    assert.deepEqual(
      page.versions.map((v: any) => v.versionId),
      ["2", "3"],
    );
    assert.equal(page.nextFromVersion, "4");
    const tail = h.query("did/history", { did: DID, fromVersion: "6" }) as any;
    assert.deepEqual(
      tail.versions.map((v: any) => v.versionId),
      ["6"],
    );
    const past = h.query("did/history", { did: DID, fromVersion: "9" }) as any;
    assert.deepEqual(past.versions, []);
  });

  it("refuses malformed paging and unknown DIDs", () => {
    const h = history(false);
    h.fails(AppErrors.invalidQuery, "did/history", { did: DID, limit: "501" });
    h.fails(AppErrors.invalidQuery, "did/history", { did: DID, limit: "-1" });
    h.fails(AppErrors.invalidQuery, "did/history", { did: DID, limit: "0" });
    h.fails(AppErrors.invalidQuery, "did/history", { did: DID, fromVersion: "x" });
    h.fails(DidErrors.notFound, "did/history", { did: didOf(KEYS[1]!.publicKey) });
    h.fails(DidErrors.invalidDid, "did/history", { did: "did:urbis:" });
  });
});
