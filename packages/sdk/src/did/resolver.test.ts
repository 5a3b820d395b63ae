/**
 * The did-resolver driver against a stub node that serves real Merkle proofs
 * of a small state tree built here (the rules of docs/merkle.md): resolution by
 * version and time, W3C error codes, and refusal of answers whose proofs or
 * records do not check out. The end-to-end test against a running node is
 * test/did.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  bytesKey,
  bytesToBase64,
  type DidRecord,
  didDocumentKey,
  didHistoryKey,
  didOf,
  didRecordCodec,
  EMPTY_ROOT,
  ed25519ToMultibase,
  encode,
  encodeProof,
  fromHex,
  hashBit,
  internalHash,
  keyHash,
  leafHash,
  publicKeyOf,
  type StateProof,
  toHex,
  valueHash,
} from "@urbis/protocol";
import { Resolver } from "did-resolver";
import { UrbisClient } from "../client/client.js";
import { verifyStateAnswer } from "../proofs.js";
import { getUrbisResolver } from "./resolver.js";

interface Leaf {
  kh: Uint8Array;
  vh: Uint8Array;
}

/** Root of a compressed sparse Merkle subtree (empty = zeros, one leaf = the leaf). */
function subtree(leaves: Leaf[], depth: number): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leafHash(leaves[0]!.kh, leaves[0]!.vh);
  const left = leaves.filter((l) => hashBit(l.kh, depth) === 0);
  const right = leaves.filter((l) => hashBit(l.kh, depth) === 1);
  return internalHash(subtree(left, depth + 1), subtree(right, depth + 1));
}

/** The proof of `key` in the tree of `leaves`. */
function prove(leaves: Leaf[], key: Uint8Array): StateProof {
  const kh = keyHash(key);
  const siblings: Uint8Array[] = [];
  let here = leaves;
  for (let depth = 0; here.length >= 2; depth++) {
    const bit = hashBit(kh, depth);
    siblings.push(
      subtree(
        here.filter((l) => hashBit(l.kh, depth) !== bit),
        depth + 1,
      ),
    );
    here = here.filter((l) => hashBit(l.kh, depth) === bit);
  }
  const only = here[0];
  return { siblings, terminal: only ? { kind: "leaf", keyHash: only.kh, valueHash: only.vh } : { kind: "empty" } };
}

const pair = (n: number) => publicKeyOf(new Uint8Array(32).fill(n));
const K1 = pair(1);
const K2 = pair(2);
const K3 = pair(3);
const ALICE = didOf(K1);
const BOB = didOf(pair(7));
const T0 = 1_735_689_600_000n; // 2025-01-01T00:00:00Z

function version(did: string, v: number, key: Uint8Array, timeMs: bigint, deactivated = false): DidRecord {
  return {
    id: did,
    kind: 0,
    controllers: [],
    verificationMethods: [{ fragment: "key-1", publicKey: key }],
    authentication: ["key-1"],
    assertionMethod: ["key-1"],
    keyAgreement: [],
    services: [],
    version: v,
    created: { height: 1n, timeMs: T0 },
    updated: { height: BigInt(v), timeMs },
    deactivated,
  };
}

/** Alice: v1 at T0 (K1), v2 at T0+60 s (K2), v3 at T0+120 s (K3); Bob: v1 then deactivated (v2). */
function chainState(): Map<string, [Uint8Array, Uint8Array]> {
  const recs: DidRecord[] = [
    version(ALICE, 1, K1, T0),
    version(ALICE, 2, K2, T0 + 60_000n),
    version(ALICE, 3, K3, T0 + 120_000n),
    version(BOB, 1, pair(7), T0),
    version(BOB, 2, pair(7), T0 + 5_000n, true),
  ];
  const state = new Map<string, [Uint8Array, Uint8Array]>();
  const put = (k: Uint8Array, r: DidRecord) => state.set(bytesKey(k), [k, encode(didRecordCodec, r)]);
  for (const r of recs) put(didHistoryKey(r.id, r.version), r);
  put(didDocumentKey(ALICE), recs[2]!);
  put(didDocumentKey(BOB), recs[4]!);
  put(new Uint8Array([1, 2, 3]), recs[0]!); // an unrelated key, so proofs have siblings
  return state;
}

interface StubOptions {
  /** Rewrites the value served for a key (the proof stays the honest one). */
  tamper?: (keyHex: string, value: Uint8Array) => Uint8Array;
  /** The state the node proves (default: {@link chainState}). */
  state?: Map<string, [Uint8Array, Uint8Array]>;
}

/** A node answering `GET /v1/state/{key}?prove=true` with real proofs; records the heights asked for. */
function stubNode(opts: StubOptions = {}) {
  const state = opts.state ?? chainState();
  const leaves = [...state.values()].map(([k, v]) => ({ kh: keyHash(k), vh: valueHash(v) }));
  const root = subtree(leaves, 0);
  const asked: (string | null)[] = [];
  const fetchStub: typeof fetch = async (input) => {
    const url = new URL(String(input));
    const m = /^\/v1\/state\/([0-9a-f]+)$/.exec(url.pathname);
    if (!m || url.searchParams.get("prove") !== "true") return new Response("not found", { status: 404 });
    asked.push(url.searchParams.get("height"));
    const keyHex = m[1] as string;
    const key = fromHex(keyHex);
    const entry = state.get(bytesKey(key));
    let value = entry?.[1] ?? new Uint8Array(0);
    if (opts.tamper) value = opts.tamper(keyHex, value);
    const body = {
      key: keyHex,
      height: url.searchParams.get("height") ?? "12",
      value: bytesToBase64(value),
      proof: bytesToBase64(encodeProof(prove(leaves, key))),
      appHash: toHex(root),
    };
    return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
  };
  const client = new UrbisClient({ baseUrl: "http://node.test", fetch: fetchStub });
  return { client, asked, root };
}

describe("did:urbis resolver driver", () => {
  it("resolves the latest version from proven state", async () => {
    const { client, asked } = stubNode();
    const r = await new Resolver(getUrbisResolver(client)).resolve(ALICE);
    assert.equal(r.didResolutionMetadata.error, undefined, JSON.stringify(r.didResolutionMetadata));
    assert.equal(r.didDocument?.id, ALICE);
    assert.equal(r.didDocument?.verificationMethod?.[0]?.publicKeyMultibase, ed25519ToMultibase(K3));
    assert.equal(r.didDocumentMetadata.versionId, "3");
    assert.equal(r.didDocumentMetadata.updated, "2025-01-01T00:02:00Z");
    assert.deepEqual(asked, [null]);
  });

  it("resolves an older version by the DID URL's versionId or the options, at one height", async () => {
    const { client, asked } = stubNode();
    const resolver = new Resolver(getUrbisResolver(client));
    const r = await resolver.resolve(`${ALICE}?versionId=1`);
    assert.equal(r.didDocumentMetadata.versionId, "1");
    assert.equal(r.didDocumentMetadata.nextVersionId, "2");
    assert.equal(r.didDocumentMetadata.nextUpdate, "2025-01-01T00:01:00Z");
    assert.equal(r.didDocument?.verificationMethod?.[0]?.publicKeyMultibase, ed25519ToMultibase(K1));
    // The latest read at the node's height, then every other read pinned to it.
    assert.deepEqual(asked, [null, "12", "12"]);
    const r2 = await resolver.resolve(ALICE, { versionId: 2 });
    assert.equal(r2.didDocumentMetadata.versionId, "2");
    assert.equal(r2.didDocumentMetadata.nextVersionId, "3");
  });

  it("resolves by versionTime in whole seconds", async () => {
    const { client } = stubNode();
    const resolver = new Resolver(getUrbisResolver(client));
    const at = async (time: string) => (await resolver.resolve(ALICE, { versionTime: time })).didDocumentMetadata;
    assert.equal((await at("2025-01-01T00:00:00Z")).versionId, "1");
    assert.equal((await at("2025-01-01T00:00:59.999Z")).versionId, "1");
    assert.equal((await at("2025-01-01T00:01:00Z")).versionId, "2");
    assert.equal((await at("2025-01-01T00:05:00Z")).versionId, "3");
    const before = await resolver.resolve(`${ALICE}?versionTime=2024-12-31T23:59:59Z`);
    assert.equal(before.didResolutionMetadata.error, "notFound");
  });

  it("a deactivated DID resolves to a bare document flagged deactivated", async () => {
    const { client } = stubNode();
    const r = await new Resolver(getUrbisResolver(client)).resolve(BOB);
    assert.equal(r.didResolutionMetadata.error, undefined);
    assert.equal(r.didDocumentMetadata.deactivated, true);
    assert.deepEqual(r.didDocument, {
      "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
      id: BOB,
    });
  });

  it("reports W3C errors: notFound, invalidDid, invalidOptions, representationNotSupported", async () => {
    const { client, asked } = stubNode();
    const resolver = new Resolver(getUrbisResolver(client));
    const err = async (url: string, o = {}) => (await resolver.resolve(url, o)).didResolutionMetadata.error;
    assert.equal(await err(didOf(pair(8))), "notFound");
    assert.equal(await err(`${ALICE}?versionId=4`), "notFound");
    assert.equal(await err("did:urbis:notAnId"), "invalidDid");
    assert.equal(await err(`${ALICE}?versionId=1&versionTime=2025-01-01T00:00:00Z`), "invalidOptions");
    assert.equal(await err(ALICE, { versionId: "zero" }), "invalidOptions");
    assert.equal(await err(ALICE, { accept: "application/cbor" }), "representationNotSupported");
    assert.equal(await err("did:web:example.org"), "unsupportedDidMethod");
    // Called directly (not through Resolver), the driver checks the DID itself.
    const direct = await getUrbisResolver(client).urbis(
      "did:urbis:x",
      { did: "did:urbis:x", didUrl: "did:urbis:x", method: "urbis", id: "x" },
      resolver,
      {},
    );
    assert.equal(direct.didResolutionMetadata.error, "invalidDid");
    assert.equal(asked.filter((h) => h === null).length, 2, "only the two notFound cases read state");
  });

  it("refuses a value that does not match its proof", async () => {
    const { client } = stubNode({
      tamper: (keyHex, v) =>
        keyHex === toHex(didDocumentKey(ALICE)) ? encode(didRecordCodec, version(ALICE, 3, K1, T0)) : v,
    });
    const r = await new Resolver(getUrbisResolver(client)).resolve(ALICE);
    assert.equal(r.didResolutionMetadata.error, "internalError");
    assert.match(String(r.didResolutionMetadata.message), /sdk\.proof_invalid/);
    assert.equal(r.didDocument, null);
  });

  it("refuses a node hiding a DID behind a proof of absence it cannot make", async () => {
    const { client } = stubNode({ tamper: () => new Uint8Array(0) });
    const r = await new Resolver(getUrbisResolver(client)).resolve(ALICE);
    assert.equal(r.didResolutionMetadata.error, "internalError");
  });

  it("refuses a proven record of another DID under the key", async () => {
    const state = chainState();
    const k = didDocumentKey(ALICE);
    state.set(bytesKey(k), [k, encode(didRecordCodec, version(BOB, 1, pair(7), T0))]);
    const { client } = stubNode({ state });
    const r = await new Resolver(getUrbisResolver(client)).resolve(ALICE);
    assert.equal(r.didResolutionMetadata.error, "internalError");
    assert.match(String(r.didResolutionMetadata.message), /is not did:urbis/);
  });

  it("checks proofs against the caller's trusted app hash when given one", async () => {
    const { client, root } = stubNode();
    const trusting = (trusted: Uint8Array) =>
      new Resolver(
        getUrbisResolver(client, { verify: (keyHex, answer) => verifyStateAnswer(keyHex, answer, trusted) }),
      );
    const ok = await trusting(root).resolve(ALICE);
    assert.equal(ok.didDocumentMetadata.versionId, "3");
    const other = await trusting(new Uint8Array(32).fill(1)).resolve(ALICE);
    assert.equal(other.didResolutionMetadata.error, "internalError");
  });

  it("reports an unreachable node as internalError", async () => {
    const client = new UrbisClient({
      baseUrl: "http://node.test",
      fetch: async () => {
        throw new TypeError("connection refused");
      },
    });
    const r = await new Resolver(getUrbisResolver(client)).resolve(ALICE);
    assert.equal(r.didResolutionMetadata.error, "internalError");
  });
});
