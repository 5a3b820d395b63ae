/**
 * `did:urbis` end to end: a real solo node with the default modules and its
 * REST API, signed transactions creating, rotating and deactivating DIDs, and
 * resolution both through the `did-resolver` driver (which checks Merkle
 * proofs of the stored records) and through `GET /v1/dids/{did}` — which must
 * agree. Refusals carry their `did.*` code and leave resolution unchanged.
 */

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  addressOf,
  createDidMessage,
  DidErrors,
  type DidResolutionResultJson,
  deactivateDidMessage,
  didOf,
  ed25519ToMultibase,
  encodeTx,
  formatDidTime,
  type Msg,
  publicKeyOf,
  sha256,
  signTx,
  TxErrors,
  updateDidMessage,
  utf8,
} from "@urbis/protocol";
import { getUrbisResolver, UrbisApiError, UrbisClient } from "@urbis/sdk";
import { Resolver } from "did-resolver";
import { type ApiNode, startApiNode, stopApiNode } from "./helpers/api-node.js";
import { TEST_CHAIN_ID, testAccounts, testGenesis } from "./helpers/solo-chain.js";

interface Signer {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  address: string;
}

/** A key that never held funds: DID messages need none. */
function freshKey(name: string): Signer {
  const secretKey = sha256(utf8(`did-test/${name}`));
  const publicKey = publicKeyOf(secretKey);
  return { secretKey, publicKey, address: addressOf(publicKey) };
}

describe("did:urbis against a solo node", () => {
  const [alice, org, mallory] = testAccounts(3);
  const alice2 = freshKey("alice-rotated");
  const device = freshKey("device");
  let fixture: ApiNode | undefined;
  let url = "";
  let client: UrbisClient;
  let resolver: Resolver;
  const aliceDid = didOf(alice!.publicKey);
  const orgDid = didOf(org!.publicKey);
  const deviceDid = didOf(device.publicKey);

  /** Signs `msgs` as `s` with its next sequence and waits for the commit; returns the result. */
  async function send(s: Signer, ...msgs: Msg[]) {
    const { sequence } = await client.account(s.address);
    const tx = signTx(
      {
        chainId: TEST_CHAIN_ID,
        signer: s.address,
        publicKey: s.publicKey,
        sequence: BigInt(sequence),
        messages: msgs,
        memo: "",
        expiresAtHeight: undefined,
      },
      s.secretKey,
    );
    return client.submitTx(encodeTx(tx), { wait: "commit" });
  }

  /** `send`, expecting the check to refuse it with `def` (so nothing is committed). */
  async function refused(def: { is(e: unknown): boolean; name: string }, s: Signer, ...msgs: Msg[]) {
    await assert.rejects(send(s, ...msgs), (e: unknown) => {
      assert.ok(e instanceof UrbisApiError, String(e));
      assert.ok(def.is(e), `expected ${def.name}, got ${e.id}: ${e.message}`);
      return true;
    });
  }

  /** The driver's resolution, which must match the node's own (`GET /v1/dids/{did}`). */
  async function resolveBoth(didUrl: string, opts: { versionId?: string; versionTime?: string } = {}) {
    const r = await resolver.resolve(didUrl, opts);
    assert.equal(r.didResolutionMetadata.error, undefined, JSON.stringify(r.didResolutionMetadata));
    const [did, query = ""] = didUrl.split("?") as [string, string?];
    const fromUrl = Object.fromEntries(new URLSearchParams(query));
    let fromNode: DidResolutionResultJson;
    try {
      fromNode = await client.resolveDid(did, { ...fromUrl, ...opts });
    } catch (e) {
      // A deactivated DID answers 410 with the same result in the details.
      assert.ok(DidErrors.deactivated.is(e), String(e));
      fromNode = (e as UrbisApiError).details?.resolution as DidResolutionResultJson;
    }
    assert.deepEqual(r, fromNode, "the proven resolution equals the node's");
    return r;
  }

  before(async () => {
    fixture = await startApiNode(testGenesis({ accounts: testAccounts(3) }), {
      blockIntervalMs: 10,
      prefix: "urbis-did-",
    });
    ({ url, client } = fixture);
    resolver = new Resolver(getUrbisResolver(client));
  });

  after(async () => {
    await stopApiNode(fixture);
  });

  test("the node runs the did module", async () => {
    const d = await client.describe();
    for (const m of ["did/create", "did/update", "did/deactivate"]) assert.ok(d.messages.includes(m), m);
    for (const q of ["did/resolve", "did/history"]) assert.ok(d.queries.includes(q), q);
    const doc = (await client.api.openapi()) as { paths: Record<string, unknown> };
    assert.ok(doc.paths["/v1/dids/{did}"], "the route is documented");
  });

  test("a person creates a DID signed with its own key; both resolutions agree", async () => {
    const r = await send(
      alice!,
      createDidMessage({
        kind: "person",
        publicKey: alice!.publicKey,
        services: [{ fragment: "inbox", type: "DIDCommMessaging", endpoint: "https://relay.example.org/a" }],
      }),
    );
    assert.equal(r.code, 0, r.log);
    const created = r.events?.find((e) => e.type === "did.created");
    assert.ok(created);
    const res = await resolveBoth(aliceDid);
    assert.equal(res.didDocument?.id, aliceDid);
    assert.equal(res.didDocument?.verificationMethod?.[0]?.publicKeyMultibase, ed25519ToMultibase(alice!.publicKey));
    assert.deepEqual(res.didDocument?.authentication, [`${aliceDid}#key-1`]);
    assert.deepEqual(res.didDocument?.service, [
      { id: `${aliceDid}#inbox`, type: "DIDCommMessaging", serviceEndpoint: "https://relay.example.org/a" },
    ]);
    assert.equal(res.didDocumentMetadata.versionId, "1");
    assert.equal(res.didDocumentMetadata.kind, "person");
  });

  test("nobody registers a DID for a key they cannot sign with", async () => {
    await refused(DidErrors.notController, mallory!, createDidMessage({ kind: "person", publicKey: device.publicKey }));
    await refused(DidErrors.exists, alice!, createDidMessage({ kind: "person", publicKey: alice!.publicKey }));
    const absent = await resolver.resolve(deviceDid);
    assert.equal(absent.didResolutionMetadata.error, "notFound");
  });

  test("an organization registers a device it controls", async () => {
    assert.equal((await send(org!, createDidMessage({ kind: "organization", publicKey: org!.publicKey }))).code, 0);
    const r = await send(
      org!,
      createDidMessage({ kind: "device", publicKey: device.publicKey, controllers: [orgDid] }),
    );
    assert.equal(r.code, 0, r.log);
    const res = await resolveBoth(deviceDid);
    assert.deepEqual(res.didDocument?.controller, [orgDid]);
    assert.equal(res.didDocumentMetadata.kind, "device");
    // The device's own key does not control it.
    await refused(
      DidErrors.notController,
      device,
      updateDidMessage(deviceDid, 1, {
        controllers: [],
        verificationMethods: [{ fragment: "key-1", publicKey: device.publicKey }],
        authentication: ["key-1"],
        assertionMethod: [],
        keyAgreement: [],
        services: [],
      }),
    );
  });

  test("key rotation: the new key updates, the old one and strangers are refused, history stays", async () => {
    const v1 = await resolveBoth(aliceDid);
    const rotated = {
      controllers: [],
      verificationMethods: [{ fragment: "key-2", publicKey: alice2.publicKey }],
      authentication: ["key-2"],
      assertionMethod: ["key-2"],
      keyAgreement: [],
      services: [],
    };
    await refused(DidErrors.notController, mallory!, updateDidMessage(aliceDid, 1, rotated));
    await refused(DidErrors.versionMismatch, alice!, updateDidMessage(aliceDid, 7, rotated));
    await refused(
      DidErrors.unknownController,
      alice!,
      updateDidMessage(aliceDid, 1, { ...rotated, controllers: [didOf(mallory!.publicKey)] }),
    );
    assert.deepEqual(await resolveBoth(aliceDid), v1, "refusals changed nothing");

    assert.equal((await send(alice!, updateDidMessage(aliceDid, 1, rotated))).code, 0);
    await refused(DidErrors.notController, alice!, updateDidMessage(aliceDid, 2, rotated));
    // The rotated key signs from an account that never held funds.
    const withInbox = {
      ...rotated,
      services: [{ fragment: "inbox", type: "DIDCommMessaging", endpoint: "https://relay.example.org/b" }],
    };
    assert.equal((await send(alice2, updateDidMessage(aliceDid, 2, withInbox))).code, 0);

    const latest = await resolveBoth(aliceDid);
    assert.equal(latest.didDocumentMetadata.versionId, "3");
    assert.equal(latest.didDocument?.verificationMethod?.[0]?.publicKeyMultibase, ed25519ToMultibase(alice2.publicKey));
    const old = await resolveBoth(`${aliceDid}?versionId=1`);
    assert.deepEqual(old.didDocument, v1.didDocument);
    assert.equal(old.didDocumentMetadata.nextVersionId, "2");
    assert.deepEqual(await resolveBoth(aliceDid, { versionId: "1" }), old);

    // By time: each version's own time finds the last version made in that second.
    const history = (await client.query("did", "history", { did: aliceDid })).value as {
      versions: { versionId: string; timeMs: string }[];
    };
    assert.deepEqual(
      history.versions.map((v) => v.versionId),
      ["1", "2", "3"],
    );
    for (const v of history.versions) {
      const second = BigInt(v.timeMs) / 1000n;
      const expected = [...history.versions].reverse().find((w) => BigInt(w.timeMs) / 1000n <= second)?.versionId;
      const byTime = await resolveBoth(aliceDid, { versionTime: formatDidTime(BigInt(v.timeMs)) });
      assert.equal(byTime.didDocumentMetadata.versionId, expected);
    }
  });

  test("deactivation is final and resolves as deactivated", async () => {
    await refused(DidErrors.notController, mallory!, deactivateDidMessage(deviceDid));
    const r = await send(org!, deactivateDidMessage(deviceDid));
    assert.equal(r.code, 0, r.log);
    const res = await resolveBoth(deviceDid);
    assert.equal(res.didDocumentMetadata.deactivated, true);
    assert.equal(res.didDocumentMetadata.versionId, "2");
    assert.equal(res.didDocument?.verificationMethod, undefined);
    const before = await resolveBoth(deviceDid, { versionId: "1" });
    assert.equal(before.didDocumentMetadata.deactivated, undefined);

    const http = await fetch(`${url}/v1/dids/${encodeURIComponent(deviceDid)}`);
    assert.equal(http.status, 410);
    const body = (await http.json()) as {
      error: { codespace: string; name: string; details: { resolution: unknown } };
    };
    assert.equal(body.error.codespace, "did");
    assert.equal(body.error.name, "deactivated");
    assert.deepEqual(body.error.details.resolution, res);

    const deviceContent = {
      controllers: [orgDid],
      verificationMethods: [{ fragment: "key-1", publicKey: device.publicKey }],
      authentication: ["key-1"],
      assertionMethod: [],
      keyAgreement: [],
      services: [],
    };
    await refused(DidErrors.deactivated, org!, updateDidMessage(deviceDid, 2, deviceContent));
    await refused(DidErrors.deactivated, org!, deactivateDidMessage(deviceDid));
  });

  test("the REST route answers unknown and malformed DIDs with their codes", async () => {
    const get = async (path: string) => {
      const res = await fetch(`${url}${path}`);
      return { status: res.status, body: (await res.json()) as { error?: { codespace: string; name: string } } };
    };
    const unknown = await get(`/v1/dids/${encodeURIComponent(didOf(freshKey("nobody").publicKey))}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error?.name, "not_found");
    const bad = await get("/v1/dids/did%3Aurbis%3Ashort");
    assert.equal(bad.status, 400);
    assert.deepEqual([bad.body.error?.codespace, bad.body.error?.name], ["did", "invalid_did"]);
    const badVersion = await get(`/v1/dids/${encodeURIComponent(aliceDid)}?versionId=0`);
    assert.equal(badVersion.body.error?.name, "invalid_resolution_option");
    const noVersion = await get(`/v1/dids/${encodeURIComponent(aliceDid)}?versionId=99`);
    assert.equal(noVersion.status, 404);
    assert.equal(noVersion.body.error?.name, "version_not_found");
    const extra = await get(`/v1/dids/${encodeURIComponent(aliceDid)}?color=red`);
    assert.equal(extra.status, 400);
    assert.equal((await resolver.resolve("did:urbis:short")).didResolutionMetadata.error, "invalidDid");
    // A transaction with a malformed DID message is refused at the check.
    await refused(TxErrors.malformed, alice2, { type: "did/deactivate", value: new Uint8Array([9]) });
  });

  test("the driver refuses a node that alters proven state", async () => {
    const lying = new UrbisClient({
      baseUrl: url,
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        if (!String(input).includes("/v1/state/")) return res;
        const body = (await res.json()) as { value: string };
        // Flip one byte of the stored record; the proof stays the honest one.
        const raw = Buffer.from(body.value, "base64");
        raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
        return new Response(JSON.stringify({ ...body, value: raw.toString("base64") }), {
          status: 200,
          headers: { "content-type": "application/json" },
        });
      },
    });
    const r = await new Resolver(getUrbisResolver(lying)).resolve(aliceDid);
    assert.equal(r.didResolutionMetadata.error, "internalError");
    assert.match(String(r.didResolutionMetadata.message), /proof/);
  });
});
