/**
 * The encrypted record store end to end on a real solo node: real DIDs
 * created by signed transactions, the real API server over HTTP, real
 * envelope crypto and real files on disk.
 *
 * One seam is a test double: the on-chain `health/access` and `health/record`
 * entries come from {@link AccessLedgerDouble}, an in-memory implementation of
 * RecordAccessLookup, so these tests can shape entries the chain would take
 * long to produce (an access logged 10 minutes ago, an entry naming another
 * blob). Its block time is the real node's. The real path — `health/access`
 * transactions read by the production lookup — is exercised end to end in
 * test/health.test.ts.
 */

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { x25519 } from "@noble/curves/ed25519.js";
import {
  type ApiServer,
  createApiServer,
  FileBlobStore,
  type HealthAccessEntry,
  type HealthRecordEntry,
  type NodeService,
  nodeAccessLookup,
  type RecordAccessLookup,
  RecordStoreService,
  type SoloEngine,
  startSoloNode,
} from "@urbis/node";
import {
  addRecordKeys,
  bytesToBase64,
  createDidMessage,
  didOf,
  type ErrorDef,
  encodeTx,
  fetchRecord,
  type Msg,
  RecordErrors,
  type RecordSigner,
  recordRequestHeaders,
  sealRecord,
  sha256,
  signTx,
  toHex,
  UrbisApiError,
  UrbisClient,
  unwrapKey,
  uploadRecord,
  utf8,
  wrapKeyFor,
} from "@urbis/sdk";
import { TEST_CHAIN_ID, type TestAccount, testAccounts, testGenesis } from "./helpers/solo-chain.js";

/**
 * Test double of the on-chain access log at the RecordAccessLookup seam (see
 * the file comment): entries are put in by the test instead of by
 * `health/access` transactions; the block time is the node's.
 */
class AccessLedgerDouble implements RecordAccessLookup {
  readonly accesses = new Map<string, HealthAccessEntry>();
  readonly records = new Map<string, HealthRecordEntry>();
  constructor(private readonly node: NodeService) {}
  access(id: string) {
    return this.accesses.get(id);
  }
  record(id: string) {
    return this.records.get(id);
  }
  blockTimeMs() {
    return this.node.status().latestBlockTimeMs;
  }
  registerRecord(id: string, patientDid: string, contentHash: string): void {
    const t = this.blockTimeMs().toString();
    this.records.set(id, {
      id,
      patientDid,
      custodian: "1",
      author: "urbis1author",
      fhirType: "Observation",
      contentHash,
      location: "urbis-node:test",
      created: { height: "1", timeMs: t },
      links: [],
    });
  }
  logAccess(id: string, o: { recordId: string; accessorDid: string; contentHash: string; timeMs?: bigint }): string {
    const record = this.records.get(o.recordId);
    this.accesses.set(id, {
      id,
      recordId: o.recordId,
      contentHash: o.contentHash,
      patientDid: record?.patientDid ?? "",
      accessor: "urbis1accessor",
      accessorDid: o.accessorDid,
      purpose: "treatment",
      breakGlass: false,
      height: "1",
      timeMs: (o.timeMs ?? this.blockTimeMs()).toString(),
    });
    return id;
  }
}

interface Party {
  account: TestAccount;
  did: string;
  signer: RecordSigner;
  /** X25519 key agreement key `#enc-1`. */
  encSecret: Uint8Array;
  recipient: { id: string; publicKey: Uint8Array };
}

function party(account: TestAccount, name: string): Party {
  const did = didOf(account.publicKey);
  const encSecret = sha256(utf8(`records-test/x25519/${name}`));
  return {
    account,
    did,
    signer: { did, keyFragment: "key-1", secretKey: account.secretKey },
    encSecret,
    recipient: { id: `${did}#enc-1`, publicKey: x25519.getPublicKey(encSecret) },
  };
}

const MAX_BLOB = 4096;

describe("encrypted record store on a solo node", () => {
  const accounts = testAccounts(5);
  const [patient, org, mallory, org2] = [
    party(accounts[0] as TestAccount, "patient"),
    party(accounts[1] as TestAccount, "org"),
    party(accounts[2] as TestAccount, "mallory"),
    party(accounts[3] as TestAccount, "org2"),
  ] as const;
  /** Has an account with funds but never registers a DID. */
  const stranger = party(accounts[4] as TestAccount, "stranger");
  const patientSecret = sha256(utf8("records-test/patient health secret"));
  let dir = "";
  let node: SoloEngine;
  let api: ApiServer;
  let client: UrbisClient;
  let ledger: AccessLedgerDouble;
  let store: FileBlobStore;
  const plaintext = utf8(JSON.stringify({ resourceType: "Observation", code: "glucose", value: 5.4 }));
  let sealed: Awaited<ReturnType<typeof sealRecord>>;
  const opts = { chainId: TEST_CHAIN_ID };

  async function send(p: Party, ...msgs: Msg[]) {
    const s = p.account;
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
    const r = await client.submitTx(encodeTx(tx), { wait: "commit" });
    assert.equal(r.code, 0, r.log);
  }

  async function fails(p: Promise<unknown>, def: ErrorDef): Promise<UrbisApiError> {
    let caught: UrbisApiError | undefined;
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof UrbisApiError, String(e));
      assert.ok(def.is(e), `expected records.${def.name}, got ${e.id}: ${e.message}`);
      assert.equal(e.status, def.httpStatus);
      caught = e;
      return true;
    });
    return caught as UrbisApiError;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "urbis-records-"));
    node = await startSoloNode({
      home: dir,
      genesis: testGenesis({ accounts }),
      blockIntervalMs: 10,
      noSync: true,
      verifierWorkers: 0,
      onFatal: (e) => {
        throw e;
      },
    });
    ledger = new AccessLedgerDouble(node);
    store = await FileBlobStore.open(join(dir, "records"), { noSync: true });
    const records = new RecordStoreService({ node, store, lookup: ledger, maxBlobBytes: MAX_BLOB });
    api = await createApiServer({
      node,
      records,
      logger: false,
      bodyLimit: 256 * 1024,
      rateLimit: { perClientPerSecond: 100_000 },
      processMetrics: false,
    });
    client = new UrbisClient({ baseUrl: await api.listen({}), timeoutMs: 20_000 });
    for (const p of [patient, org, mallory, org2]) {
      await send(
        p,
        createDidMessage({
          kind: "person",
          publicKey: p.account.publicKey,
          keyAgreement: [{ fragment: "enc-1", publicKey: p.recipient.publicKey }],
        }),
      );
    }
    sealed = await sealRecord({ patientSecret, plaintext, recipients: [patient.recipient, org.recipient] });
  });

  after(async () => {
    await api?.close();
    await node?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the patient uploads a sealed record; uploading it again is idempotent", async () => {
    const r = await uploadRecord(client, patient.signer, sealed, opts);
    assert.deepEqual(r, {
      contentHash: sealed.contentHash,
      size: sealed.blob.length,
      created: true,
      added: [patient.recipient.id, org.recipient.id],
      wrappedKeys: 2,
    });
    const again = await uploadRecord(client, patient.signer, sealed, opts);
    assert.equal(again.created, false);
    assert.deepEqual(again.added, []);
    ledger.registerRecord("rec-1", patient.did, sealed.contentHash);
  });

  test("a consented organization reads it against its on-chain access entry", async () => {
    const accessId = ledger.logAccess("acc-org", {
      recordId: "rec-1",
      accessorDid: org.did,
      contentHash: sealed.contentHash,
    });
    const r = await fetchRecord(
      client,
      org.signer,
      { contentHash: sealed.contentHash, accessId, recipientSecretKey: org.encSecret },
      opts,
    );
    assert.deepEqual(r.plaintext, plaintext);
    assert.equal(r.wrappedKey.recipient, org.recipient.id, "only the requester's own wrapped key is served");
    // The chain id defaults to the node's.
    const r2 = await fetchRecord(client, org.signer, {
      contentHash: sealed.contentHash,
      accessId,
      recipientSecretKey: org.encSecret,
    });
    assert.deepEqual(r2.plaintext, plaintext);
  });

  test("a request without signature headers: records.unsigned_request", async () => {
    await fails(
      client.api.getRecordBlob({ params: { contentHash: sealed.contentHash }, query: { access: "acc-org" } }),
      RecordErrors.unsigned,
    );
  });

  test("a request signed by someone else: records.bad_signature", async () => {
    // Mallory claims the organization's DID and key but signs with her own key.
    const forged = { ...org.signer, secretKey: mallory.account.secretKey };
    await fails(
      fetchRecord(
        client,
        forged,
        { contentHash: sealed.contentHash, accessId: "acc-org", recipientSecretKey: org.encSecret },
        opts,
      ),
      RecordErrors.badSignature,
    );
    // A valid signature for one request does not carry over to another (here: another access id).
    const path = `/v1/records/blobs/${sealed.contentHash}?access=acc-org`;
    const headers = await recordRequestHeaders(client, org.signer, "GET", path, undefined, opts);
    await fails(
      client.api.getRecordBlob(
        { params: { contentHash: sealed.contentHash }, query: { access: "acc-other" } },
        { headers },
      ),
      RecordErrors.badSignature,
    );
    // Nor to another chain.
    await fails(
      fetchRecord(
        client,
        org.signer,
        { contentHash: sealed.contentHash, accessId: "acc-org", recipientSecretKey: org.encSecret },
        { chainId: "another-chain" },
      ),
      RecordErrors.badSignature,
    );
  });

  test("a stale signature, an unregistered DID, a non-authentication key: their own errors", async () => {
    const read = { contentHash: sealed.contentHash, accessId: "acc-org", recipientSecretKey: org.encSecret };
    await fails(
      fetchRecord(client, org.signer, read, { ...opts, timeMs: BigInt(Date.now() - 200_000) }),
      RecordErrors.staleRequest,
    );
    await fails(
      fetchRecord(client, org.signer, read, { ...opts, timeMs: BigInt(Date.now() + 200_000) }),
      RecordErrors.staleRequest,
    );
    await fails(fetchRecord(client, stranger.signer, read, opts), RecordErrors.unknownRequester);
    await fails(
      fetchRecord(client, { ...org.signer, keyFragment: "enc-1" }, read, opts),
      RecordErrors.keyNotAuthorized,
    );
    await fails(uploadRecord(client, stranger.signer, sealed, opts), RecordErrors.unknownRequester);
  });

  test("a request without a valid on-chain access: records.no_access / records.access_expired", async () => {
    const h = sealed.contentHash;
    const read = (accessId: string) =>
      fetchRecord(client, org.signer, { contentHash: h, accessId, recipientSecretKey: org.encSecret }, opts);
    const unknown = await fails(read("acc-none"), RecordErrors.noAccess);
    assert.equal(unknown.details?.reason, "unknown_access");
    // Logged by another DID (the patient), presented by the organization.
    ledger.logAccess("acc-patient", { recordId: "rec-1", accessorDid: patient.did, contentHash: h });
    assert.equal((await fails(read("acc-patient"), RecordErrors.noAccess)).details?.reason, "other_accessor");
    // For another blob.
    ledger.logAccess("acc-other-blob", { recordId: "rec-1", accessorDid: org.did, contentHash: "cd".repeat(32) });
    assert.equal((await fails(read("acc-other-blob"), RecordErrors.noAccess)).details?.reason, "other_blob");
    // Older than the 600 s window of block time.
    ledger.logAccess("acc-old", {
      recordId: "rec-1",
      accessorDid: org.did,
      contentHash: h,
      timeMs: ledger.blockTimeMs() - 601_000n,
    });
    await fails(read("acc-old"), RecordErrors.accessExpired);
    // Right at the window's edge it still serves.
    ledger.logAccess("acc-edge", {
      recordId: "rec-1",
      accessorDid: org.did,
      contentHash: h,
      timeMs: ledger.blockTimeMs() - 590_000n,
    });
    assert.deepEqual((await read("acc-edge")).plaintext, plaintext);
  });

  test("a holder of an access entry whose DID has no wrapped key: records.no_wrapped_key", async () => {
    ledger.logAccess("acc-mallory", { recordId: "rec-1", accessorDid: mallory.did, contentHash: sealed.contentHash });
    await fails(
      fetchRecord(
        client,
        mallory.signer,
        { contentHash: sealed.contentHash, accessId: "acc-mallory", recipientSecretKey: mallory.encSecret },
        opts,
      ),
      RecordErrors.noWrappedKey,
    );
  });

  test("an unknown blob: records.unknown_blob (only after the access check)", async () => {
    const other = await sealRecord({ patientSecret, plaintext: utf8("never uploaded"), recipients: [org.recipient] });
    ledger.registerRecord("rec-missing", patient.did, other.contentHash);
    ledger.logAccess("acc-missing", { recordId: "rec-missing", accessorDid: org.did, contentHash: other.contentHash });
    await fails(
      fetchRecord(
        client,
        org.signer,
        { contentHash: other.contentHash, accessId: "acc-missing", recipientSecretKey: org.encSecret },
        opts,
      ),
      RecordErrors.unknownBlob,
    );
    await fails(
      addRecordKeys(client, patient.signer, other.contentHash, other.wrappedKeys, opts),
      RecordErrors.unknownBlob,
    );
  });

  test("a tampered upload (blob not matching its hash): records.tampered_blob", async () => {
    const other = await sealRecord({ patientSecret, plaintext: utf8("tamper me"), recipients: [org.recipient] });
    const bad = other.blob.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0x80;
    const e = await fails(uploadRecord(client, patient.signer, { ...other, blob: bad }, opts), RecordErrors.tampered);
    assert.equal(e.details?.actual, toHex(sha256(bad)));
  });

  test("an oversize blob: records.blob_too_large", async () => {
    const big = await sealRecord({
      patientSecret,
      plaintext: new Uint8Array(MAX_BLOB).fill(7),
      recipients: [org.recipient],
    });
    assert.ok(big.blob.length > MAX_BLOB);
    const e = await fails(uploadRecord(client, patient.signer, big, opts), RecordErrors.tooLarge);
    assert.equal(e.details?.maxBytes, MAX_BLOB);
  });

  test("malformed wrapped keys and envelopes are refused with their codes", async () => {
    const other = await sealRecord({ patientSecret, plaintext: utf8("keys"), recipients: [org.recipient] });
    const k = other.wrappedKeys[0];
    assert.ok(k);
    await fails(
      uploadRecord(client, patient.signer, { ...other, wrappedKeys: [{ ...k, recipient: org.did }] }, opts),
      RecordErrors.invalidRecipient,
    );
    await fails(
      uploadRecord(client, patient.signer, { ...other, wrappedKeys: [k, k] }, opts),
      RecordErrors.invalidRecipient,
    );
    await fails(
      uploadRecord(client, patient.signer, { ...other, wrappedKeys: [{ ...k, sealed: k.sealed.subarray(1) }] }, opts),
      RecordErrors.invalidEnvelope,
    );
    const notEnvelope = utf8("plain text is not an envelope, even with the right hash");
    await fails(
      uploadRecord(
        client,
        patient.signer,
        { blob: notEnvelope, contentHash: toHex(sha256(notEnvelope)), wrappedKeys: [] },
        opts,
      ),
      RecordErrors.invalidEnvelope,
    );
  });

  test("the patient re-wraps the key for a newly consented organization; others may not add keys", async () => {
    const own = sealed.wrappedKeys[0];
    assert.ok(own);
    const key = await unwrapKey(own, patient.encSecret);
    const forOrg2 = await wrapKeyFor(key, org2.recipient);
    await fails(addRecordKeys(client, mallory.signer, sealed.contentHash, [forOrg2], opts), RecordErrors.notUploader);
    const r = await addRecordKeys(client, patient.signer, sealed.contentHash, [forOrg2], opts);
    assert.deepEqual(r, { contentHash: sealed.contentHash, added: [org2.recipient.id], wrappedKeys: 3 });
    // A second, different wrap for the same recipient does not replace the first.
    await fails(
      addRecordKeys(client, patient.signer, sealed.contentHash, [await wrapKeyFor(key, org2.recipient)], opts),
      RecordErrors.wrappedKeyConflict,
    );
    ledger.logAccess("acc-org2", { recordId: "rec-1", accessorDid: org2.did, contentHash: sealed.contentHash });
    const got = await fetchRecord(
      client,
      org2.signer,
      { contentHash: sealed.contentHash, accessId: "acc-org2", recipientSecretKey: org2.encSecret },
      opts,
    );
    assert.deepEqual(got.plaintext, plaintext);
  });

  test("a blob altered on the node's disk is detected on read and never served", async () => {
    const bad = sealed.blob.slice();
    bad[10] = (bad[10] as number) ^ 1;
    writeFileSync(store.blobPath(sealed.contentHash), bad);
    const read = () =>
      fetchRecord(
        client,
        org.signer,
        { contentHash: sealed.contentHash, accessId: "acc-org", recipientSecretKey: org.encSecret },
        opts,
      );
    const e = await fails(read(), RecordErrors.storedBlobCorrupt);
    assert.ok(!JSON.stringify(e.details ?? {}).includes(bytesToBase64(bad)), "no blob bytes in the error");
    // A verified re-upload repairs it.
    const r = await uploadRecord(client, patient.signer, sealed, opts);
    assert.equal(r.created, true);
    assert.deepEqual((await read()).plaintext, plaintext);
  });

  test("the routes are in the OpenAPI document with their records errors", async () => {
    const doc = await client.api.openapi();
    const path = doc.paths["/v1/records/blobs/{contentHash}"] as Record<string, { "x-urbis-errors": { id: string }[] }>;
    assert.ok(path.put && path.get);
    const ids = path.get["x-urbis-errors"].map((x) => x.id);
    for (const id of [
      "records.no_access",
      "records.no_wrapped_key",
      "records.stored_blob_corrupt",
      "records.bad_signature",
    ]) {
      assert.ok(ids.includes(id), id);
    }
    assert.ok(doc.paths["/v1/records/blobs/{contentHash}/keys"]?.post);
  });

  test("the production lookup finds no access entry the chain never logged", async () => {
    // nodeAccessLookup runs the App's health/access and health/record queries in-process; ids the
    // chain does not hold answer "none" (and reads are refused), never a 500.
    const lookup = nodeAccessLookup(node);
    assert.equal(lookup.access("999"), undefined);
    assert.equal(lookup.record("00".repeat(32)), undefined);
    assert.equal(lookup.blockTimeMs(), node.status().latestBlockTimeMs);
    const prod = await createApiServer({
      node,
      records: new RecordStoreService({ node, store, lookup }),
      logger: false,
      bodyLimit: 1024,
      rateLimit: { perClientPerSecond: 1000 },
      processMetrics: false,
    });
    try {
      const url = `/v1/records/blobs/${sealed.contentHash}?access=999`;
      const headers = await recordRequestHeaders(client, org.signer, "GET", url, undefined, opts);
      const res = await prod.app.inject({ method: "GET", url, headers });
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.json().error.name, "no_access");
    } finally {
      await prod.close();
    }
  });

  test("a node without a record store answers records.unavailable", async () => {
    const bare = await createApiServer({
      node,
      logger: false,
      bodyLimit: 1024,
      rateLimit: { perClientPerSecond: 1000 },
      processMetrics: false,
    });
    try {
      const res = await bare.app.inject({ method: "GET", url: `/v1/records/blobs/${sealed.contentHash}?access=x` });
      assert.equal(res.statusCode, 503);
      assert.equal(res.json().error.name, "unavailable");
      assert.equal(res.json().error.codespace, "records");
    } finally {
      await bare.close();
    }
  });
});
