/**
 * Health end to end on a real solo node with the demo city's genesis, the
 * real API server and the real encrypted record store (files on disk)
 * checked against the chain's own access log: a patient registered by the
 * hospital, an encrypted record indexed and uploaded, a consent to the
 * university, a logged and decrypted read, revocation, a break-glass read
 * flagged to the patient — and finally a scan of every block and every byte
 * the node wrote for the patient's personal data, which must find none.
 */
import assert from "node:assert/strict";
import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { x25519 } from "@noble/curves/ed25519.js";
import {
  accessRecordMsg,
  base64ToBytes,
  createDidMessage,
  credentialDigest,
  didOf,
  fromHex,
  grantConsentMsg,
  HealthErrors,
  type Msg,
  OrgErrors,
  patientRegistrationBytes,
  publicKeyOf,
  RecordErrors,
  registerPatientMsg,
  registerRecordMsg,
  revokeConsentMsg,
  sha256,
  signEd25519,
  utf8,
} from "@urbis/protocol";
import {
  buildTx,
  fetchRecord,
  issueCredential,
  KeyPair,
  type RecordSigner,
  sealRecord,
  UrbisApiError,
  uploadRecord,
} from "@urbis/sdk";
import { demoGenesisSpec } from "../packages/cli/src/demo.js";
import { buildGenesis } from "../packages/cli/src/genesis.js";
import { type ApiNode, startApiNode, stopApiNode } from "./helpers/api-node.js";

const CHAIN = "urbis-health-e2e";

/** Someone with an account key (= their DID's key) and an X25519 key agreement key `#enc-1`. */
interface Actor {
  key: KeyPair;
  secret: Uint8Array;
  did: string;
  signer: RecordSigner;
  encSecret: Uint8Array;
  recipient: { id: string; publicKey: Uint8Array };
}

function actor(secret: Uint8Array, name: string): Actor {
  const did = didOf(publicKeyOf(secret));
  const encSecret = sha256(utf8(`health-e2e/x25519/${name}`));
  return {
    key: KeyPair.fromSecret(secret),
    secret,
    did,
    signer: { did, keyFragment: "key-1", secretKey: secret },
    encSecret,
    recipient: { id: `${did}#enc-1`, publicKey: x25519.getPublicKey(encSecret) },
  };
}
/** A demo organization's admin (the demo keys are derived this way, see packages/cli/src/demo.ts). */
const demoActor = (name: string) => actor(sha256(utf8(`urbis-demo-key/${name}`)), name);

/** The test patient's personal data: none of it may ever reach the chain. */
const ALICE = {
  name: "Alice Marguerite Example",
  birthDate: "1980-02-03",
  nationalId: "CITY-7731-0042",
  address: "12 Rue des Lilas",
};
const LAB_RESULT = JSON.stringify({
  resourceType: "Observation",
  subject: ALICE.name,
  code: "Hemoglobin A1c",
  value: "7.9 percent, diabetic range",
});

describe("health end to end on a solo node", () => {
  let f: ApiNode | undefined;
  const hospital = demoActor("hospital");
  const university = demoActor("university");
  const alice = actor(sha256(utf8("health-e2e/alice")), "alice");
  const mallory = actor(sha256(utf8("health-e2e/mallory")), "mallory");
  /** The patient's health secret: derives the content keys of her records (shared with her providers). */
  const aliceHealthSecret = sha256(utf8("health-e2e/alice/health-secret"));
  /** Her salt for link ids: only she and the facilities she gives it to can compute her link id. */
  const linkId = sha256(utf8(`alice-salt|${ALICE.nationalId}|${ALICE.birthDate}`));

  async function send(a: Actor, ...messages: Msg[]) {
    const client = f!.client;
    const { sequence } = await client.account(a.key.address);
    const signed = buildTx(a.key, { chainId: CHAIN, sequence: BigInt(sequence), messages });
    return client.submitTx(signed.bytes, { wait: "commit" });
  }
  async function ok(a: Actor, ...messages: Msg[]) {
    const r = await send(a, ...messages);
    assert.equal(r.code, 0, `${messages.map((m) => m.type)}: ${r.codespace}/${r.code} ${r.log}`);
    return r;
  }
  /** Asserts the node refuses `messages` with `def`, at the check (an API error) or in the block. */
  async function refused(def: { codespace: string; code: number }, a: Actor, ...messages: Msg[]) {
    try {
      const r = await send(a, ...messages);
      assert.deepEqual([r.codespace, r.code], [def.codespace, def.code], r.log);
    } catch (e) {
      if (!(e instanceof UrbisApiError)) throw e;
      assert.deepEqual([e.codespace, e.code], [def.codespace, def.code], e.message);
    }
  }
  const attr = (
    r: { events?: { type: string; attributes: { key: string; value: string }[] }[] },
    type: string,
    key: string,
  ) => r.events?.find((e) => e.type === type)?.attributes.find((x) => x.key === key)?.value;
  const read = (recordId: string, reader: Actor, o: { purpose: string; consentId?: bigint; reason?: string }) =>
    accessRecordMsg.wrap({
      recordId: fromHex(recordId),
      readerDid: reader.did,
      purpose: o.purpose,
      consentId: o.consentId,
      breakGlass: o.reason !== undefined,
      reason: o.reason,
    });

  let recordId = "";
  let contentHash = "";
  let consentId = 0n;

  before(async () => {
    f = await startApiNode(buildGenesis(demoGenesisSpec(CHAIN)), { records: true, prefix: "urbis-health-" });
    for (const a of [hospital, university, alice, mallory]) {
      await ok(
        a,
        createDidMessage({
          kind: "person",
          publicKey: a.key.publicKey,
          keyAgreement: [{ fragment: "enc-1", publicKey: a.recipient.publicKey }],
        }),
      );
    }
  });
  after(() => stopApiNode(f));

  test("the hospital registers Alice, who co-signs; her link id finds her, nothing else identifies her", async () => {
    // The patient credential stays with Alice (off chain); the chain stores its digest only.
    const credential = issueCredential({
      issuerDid: hospital.did,
      secretKey: hospital.secret,
      credential: {
        type: ["PatientCredential"],
        credentialSubject: { id: alice.did, registeredAt: "general-hospital" },
      },
    });
    const credentialHash = credentialDigest(credential);
    const bytes = patientRegistrationBytes(CHAIN, alice.did, linkId, credentialHash);
    const msg = (sig: Uint8Array) =>
      registerPatientMsg.wrap({
        patientDid: alice.did,
        linkId,
        credentialHash,
        patientKey: alice.key.publicKey,
        patientSignature: sig,
      });
    await refused(HealthErrors.badPatientSignature, hospital, msg(signEd25519(bytes, mallory.secret)));
    await ok(hospital, msg(signEd25519(bytes, alice.secret)));
    const found = await f!.client.query("health", "patient_by_link", { linkId: Buffer.from(linkId).toString("hex") });
    assert.equal((found.value as { did: string }).did, alice.did);
  });

  test("an encrypted record is indexed on chain and its blob held by the node; a non-provider cannot index", async () => {
    const sealed = await sealRecord({
      patientSecret: aliceHealthSecret,
      plaintext: utf8(LAB_RESULT),
      recipients: [alice.recipient, hospital.recipient, university.recipient],
    });
    contentHash = sealed.contentHash;
    await uploadRecord(f!.client, hospital.signer, sealed, { chainId: CHAIN });
    const msg = registerRecordMsg.wrap({
      patientDid: alice.did,
      fhirType: "Observation",
      contentHash: fromHex(contentHash),
      location: `${f!.url}/v1/records/blobs`,
    });
    await refused(OrgErrors.missingRole, university, msg);
    const r = await ok(hospital, msg);
    recordId = attr(r, "health.record_registered", "recordId")!;
    await refused(HealthErrors.recordExists, hospital, msg);
    // The same content sealed again for the same patient is the same blob: detected, not duplicated.
    const again = await sealRecord({
      patientSecret: aliceHealthSecret,
      plaintext: utf8(LAB_RESULT),
      recipients: [alice.recipient],
    });
    assert.equal(again.contentHash, contentHash);
  });

  test("with Alice's consent the university logs a read on chain, then fetches and decrypts the record", async () => {
    await refused(HealthErrors.noConsent, university, read(recordId, university, { purpose: "HRESCH" }));
    const now = BigInt(Date.now());
    const grant = grantConsentMsg.wrap({
      patientDid: alice.did,
      grantee: { kind: "org", id: "university" },
      resourceTypes: ["Observation"],
      purposes: ["HRESCH"],
      startMs: now - 60_000n,
      endMs: now + 86_400_000n,
    });
    await refused(HealthErrors.notPatient, university, grant);
    consentId = BigInt(attr(await ok(alice, grant), "health.consent_granted", "consentId")!);
    const r = await ok(university, read(recordId, university, { purpose: "HRESCH", consentId }));
    const accessId = attr(r, "health.accessed", "accessId")!;
    const got = await fetchRecord(
      f!.client,
      university.signer,
      { contentHash, accessId, recipientSecretKey: university.encSecret },
      { chainId: CHAIN },
    );
    assert.equal(new TextDecoder().decode(got.plaintext), LAB_RESULT);
    // Someone else presenting the university's access entry is refused.
    await assert.rejects(
      fetchRecord(
        f!.client,
        mallory.signer,
        { contentHash, accessId, recipientSecretKey: mallory.encSecret },
        { chainId: CHAIN },
      ),
      (e: unknown) =>
        e instanceof UrbisApiError &&
        e.codespace === RecordErrors.noAccess.codespace &&
        e.code === RecordErrors.noAccess.code,
    );
    const log = (await f!.client.query("health", "access_log", { patientDid: alice.did })).value as {
      entries: { accessorDid: string; purpose: string; org: string }[];
    };
    assert.deepEqual(
      log.entries.map((e) => [e.accessorDid, e.org, e.purpose]),
      [[university.did, "university", "HRESCH"]],
    );
  });

  test("after revocation the university can no longer log a read", async () => {
    await ok(alice, revokeConsentMsg.wrap({ consentId }));
    await refused(
      HealthErrors.consentRevoked,
      university,
      read(recordId, university, { purpose: "HRESCH", consentId }),
    );
  });

  test("a break-glass read needs the emergency role and is flagged to Alice", async () => {
    await refused(
      HealthErrors.notEmergencyRole,
      university,
      read(recordId, university, { purpose: "ETREAT", reason: "unconscious" }),
    );
    const r = await ok(hospital, read(recordId, hospital, { purpose: "ETREAT", reason: "unconscious" }));
    assert.equal(attr(r, "health.break_glass", "patientDid"), alice.did);
    const accessId = attr(r, "health.accessed", "accessId")!;
    const got = await fetchRecord(
      f!.client,
      hospital.signer,
      { contentHash, accessId, recipientSecretKey: hospital.encSecret },
      { chainId: CHAIN },
    );
    assert.equal(new TextDecoder().decode(got.plaintext), LAB_RESULT);
    const alerts = (await f!.client.query("health", "alerts", { patientDid: alice.did })).value as {
      entries: { accessorDid: string; reason: string }[];
    };
    assert.deepEqual(
      alerts.entries.map((e) => [e.accessorDid, e.reason]),
      [[hospital.did, "unconscious"]],
    );
  });

  test("no block, no state and no file the node wrote holds any of Alice's personal data", async () => {
    const secrets = [...Object.values(ALICE), "Hemoglobin", "diabetic"].map((s) => Buffer.from(utf8(s)));
    const leaks = (where: string, bytes: Uint8Array) => {
      const b = Buffer.from(bytes);
      for (const s of secrets) assert.equal(b.indexOf(s), -1, `${where} holds "${s.toString()}"`);
    };
    // Every block: its transactions' bytes and its events.
    const latest = BigInt((await f!.client.status()).latestHeight);
    assert.ok(latest > 5n);
    for (let h = 1n; h <= latest; h++) {
      const b = await f!.client.block(h);
      for (const tx of b.txs) leaks(`block ${h}`, base64ToBytes(tx));
      leaks(`block ${h} results`, utf8(JSON.stringify(b.results)));
    }
    // Every file under the node's folder: state, block store, record store (blobs are encrypted).
    // LMDB files are sparse (a 64 GiB map) and written from the start, so
    // their allocated bytes cover every page in use.
    const contents = (p: string): Buffer => {
      const st = statSync(p);
      const n = Math.min(st.size, st.blocks * 512 + (1 << 20));
      const buf = Buffer.alloc(n);
      const fd = openSync(p, "r");
      try {
        readSync(fd, buf, 0, n, 0);
      } finally {
        closeSync(fd);
      }
      return buf;
    };
    let files = 0;
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else {
          files++;
          leaks(p, contents(p));
        }
      }
    };
    walk(f!.dir);
    assert.ok(files > 2);
    // The scan can see: the patient's pseudonymous DID is on chain, by design, and it finds it.
    const onDisk = (s: string) =>
      readdirSync(f!.dir, { recursive: true }).some((n) => {
        const p = join(f!.dir, String(n));
        return statSync(p).isFile() && contents(p).indexOf(Buffer.from(utf8(s))) !== -1;
      });
    assert.ok(onDisk(alice.did), "the scan finds the DID on disk");
  });
});
