/**
 * Verifiable credentials end to end on a real solo node with the demo city's
 * genesis (short governance periods): governance trusts the hospital's DID for
 * PatientCredential through a passed proposal, the hospital creates on-chain
 * status lists, issues a credential with the SDK, and the credential is
 * verified both by the SDK (proven state) and by `POST /v1/vc/verify` (the
 * node's state) — which must agree. Every refusal carries its `vc.*` code:
 * untrusted issuer, revoked, suspended, malformed, bad signature, tampered, expired.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  addTrustedIssuerMsg,
  createDidMessage,
  createStatusListMsg,
  didOf,
  type ErrorDef,
  MIN_STATUS_LIST_BITS,
  type Msg,
  removeTrustedIssuerMsg,
  setStatusMsg,
  submitProposalMsg,
  VcErrors,
  type VerifiableCredential,
  voteMsg,
} from "@urbis/protocol";
import {
  buildTx,
  issueCredential,
  type SubmitResultJson,
  statusEntry,
  UrbisApiError,
  verifyCredential,
} from "@urbis/sdk";
import { AppErrors } from "@urbis/state";
import { DEMO_ORGANIZATIONS, demoGenesisSpec, demoKey } from "../packages/cli/src/demo.js";
import { buildGenesis } from "../packages/cli/src/genesis.js";
import { type ApiNode, startApiNode, stopApiNode } from "./helpers/api-node.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("verifiable credentials on a solo node", { timeout: 120_000 }, () => {
  let f: ApiNode;
  let chainId = "";
  const hospital = demoKey("hospital");
  const university = demoKey("university");
  const hospitalDid = didOf(hospital.publicKey);
  const universityDid = didOf(university.publicKey);
  const patientDid = didOf(demoKey("vc-test-patient").publicKey);
  let credential: VerifiableCredential;

  async function send(name: string, msgs: Msg[]): Promise<SubmitResultJson> {
    const key = demoKey(name);
    const account = await f.client.account(key.address);
    const tx = buildTx(key, { chainId, sequence: BigInt(account.sequence), messages: msgs });
    return f.client.submitTx(tx.bytes, { wait: "commit" });
  }
  async function ok(name: string, msgs: Msg[]): Promise<SubmitResultJson> {
    const r = await send(name, msgs);
    assert.equal(r.code, 0, `${r.codespace}/${r.code}: ${r.log}`);
    return r;
  }
  /** Expects `def` from the check or from execution. */
  async function refused(def: ErrorDef, name: string, msgs: Msg[]): Promise<void> {
    try {
      const r = await send(name, msgs);
      assert.equal(`${r.codespace}/${r.code}`, `${def.codespace}/${def.code}`, r.log);
    } catch (e) {
      assert.ok(def.is(e), String(e));
    }
  }

  /** Passes a proposal carrying `msgs`: every founding organization's admin votes yes; waits for execution. */
  async function govern(msgs: Msg[]): Promise<void> {
    const minDeposit = BigInt(((await f.client.query("gov", "params")).value as { minDeposit: string }).minDeposit);
    const r = await ok("city-hall", [
      submitProposalMsg.wrap({ title: "vc", summary: "vc test", messages: msgs, initialDeposit: minDeposit }),
    ]);
    const id = BigInt(
      r.events?.find((e) => e.type === "gov.proposal_submitted")?.attributes.find((a) => a.key === "id")?.value ?? "0",
    );
    await Promise.all(DEMO_ORGANIZATIONS.map((o) => ok(o.admin, [voteMsg.wrap({ proposalId: id, option: "yes" })])));
    for (let i = 0; i < 200; i++) {
      const p = await f.client.proposal(id);
      if (p.status === "executed") return;
      assert.ok(!["rejected", "vetoed", "expired", "failed"].includes(p.status), JSON.stringify(p));
      await sleep(100);
    }
    assert.fail(`proposal ${id} did not execute`);
  }

  /** Verifies with the SDK and with the API; both must agree. */
  async function verifiesBoth(vc: unknown) {
    const sdk = await verifyCredential(vc, { client: f.client });
    const api = await f.client.api.verifyCredential({ body: vc as Record<string, unknown> });
    assert.equal(api.verified, true);
    assert.deepEqual({ ...api, atMs: undefined, height: undefined }, { ...sdk, atMs: undefined, height: undefined });
    return sdk;
  }

  /** Both the SDK and the API refuse `vc` with `def`. */
  async function refusedBoth(def: ErrorDef, vc: unknown) {
    await assert.rejects(verifyCredential(vc, { client: f.client }), (e: unknown) => {
      assert.ok(def.is(e), `SDK: expected ${def.codespace}.${def.name}, got ${String(e)}`);
      return true;
    });
    await assert.rejects(f.client.api.verifyCredential({ body: vc as Record<string, unknown> }), (e: unknown) => {
      assert.ok(
        e instanceof UrbisApiError && def.is(e),
        `API: expected ${def.codespace}.${def.name}, got ${String(e)}`,
      );
      assert.equal(e.status, def.httpStatus);
      return true;
    });
  }

  before(async () => {
    const spec = demoGenesisSpec("urbis-vc-test", { votingPeriodMs: 2_000n, depositPeriodMs: 2_000n });
    const genesis = buildGenesis(spec);
    chainId = genesis.chainId;
    f = await startApiNode(genesis, { prefix: "urbis-vc-" });
    await ok("hospital", [createDidMessage({ kind: "organization", publicKey: hospital.publicKey })]);
    await ok("university", [createDidMessage({ kind: "organization", publicKey: university.publicKey })]);
  });
  after(() => stopApiNode(f));

  it("the trusted issuer registry changes only through a passed proposal", async () => {
    await refused(AppErrors.governanceOnly, "hospital", [
      addTrustedIssuerMsg.wrap({ credentialType: "PatientCredential", issuerDid: hospitalDid }),
    ]);
    await govern([addTrustedIssuerMsg.wrap({ credentialType: "PatientCredential", issuerDid: hospitalDid })]);
    const list = await f.client.api.listTrustedIssuers({ query: { credentialType: "PatientCredential" } });
    assert.deepEqual(
      list.issuers.map((i) => [i.credentialType, i.issuerDid]),
      [["PatientCredential", hospitalDid]],
    );
  });

  it("the hospital keeps status lists on chain; others cannot touch them", async () => {
    await ok("hospital", [
      createStatusListMsg.wrap({
        issuerDid: hospitalDid,
        listId: "gh-rev-1",
        purpose: 0,
        length: MIN_STATUS_LIST_BITS,
      }),
      createStatusListMsg.wrap({
        issuerDid: hospitalDid,
        listId: "gh-sus-1",
        purpose: 1,
        length: MIN_STATUS_LIST_BITS,
      }),
    ]);
    await refused(VcErrors.notIssuer, "university", [setStatusMsg.wrap({ listId: "gh-rev-1", index: 5, value: true })]);
    const list = await f.client.api.getStatusList({ params: { listId: "gh-rev-1" } });
    assert.equal(list.issuerDid, hospitalDid);
    assert.equal(list.credential.credentialSubject.statusPurpose, "revocation");
    assert.match(list.credential.credentialSubject.encodedList, /^u[A-Za-z0-9_-]+$/);
    const bit = await f.client.api.getStatusBit({ params: { listId: "gh-rev-1", index: "5" } });
    assert.equal(bit.value, false);
  });

  it("a credential the hospital issues verifies in the SDK and over the API", async () => {
    credential = issueCredential({
      issuerDid: hospitalDid,
      secretKey: hospital.exportSecret(),
      credential: {
        type: ["PatientCredential"],
        credentialSubject: { id: patientDid, patientOf: "general-hospital" },
        validUntil: "2999-01-01T00:00:00Z",
        credentialStatus: [statusEntry("gh-rev-1", 5, "revocation"), statusEntry("gh-sus-1", 5, "suspension")],
      },
    });
    assert.deepEqual(credential["@context"], ["https://www.w3.org/ns/credentials/v2"]);
    assert.equal(credential.proof.cryptosuite, "eddsa-jcs-2022");
    assert.equal(credential.proof.verificationMethod, `${hospitalDid}#key-1`);
    const v = await verifiesBoth(credential);
    assert.deepEqual(v.types, ["PatientCredential"]);
    assert.equal(v.issuer, hospitalDid);
  });

  it("verifies a credential issued after the latest block while the chain is idle", async () => {
    const { latestBlockTimeMs } = await f.client.status();
    // No transaction, so no block: the chain's latest time stays behind the issuance.
    while (Date.now() < Number(latestBlockTimeMs) + 2_000) await sleep(100);
    const issuedAt = new Date();
    const fresh = issueCredential({
      issuerDid: hospitalDid,
      secretKey: hospital.exportSecret(),
      credential: { type: ["PatientCredential"], credentialSubject: { id: patientDid } },
      now: issuedAt,
    });
    await verifiesBoth(fresh);
    const api = await f.client.api.verifyCredential({ body: fresh as unknown as Record<string, unknown> });
    assert.equal((await f.client.status()).latestBlockTimeMs, latestBlockTimeMs, "no block was made meanwhile");
    assert.ok(Number(api.atMs) >= issuedAt.getTime(), "checked at the node's time, not the stale block's");
  });

  it("refuses a credential from an untrusted issuer", async () => {
    const vc = issueCredential({
      issuerDid: universityDid,
      secretKey: university.exportSecret(),
      credential: { type: ["PatientCredential"], credentialSubject: { id: patientDid } },
    });
    await refusedBoth(VcErrors.untrustedIssuer, vc);
    // Trusted for PatientCredential does not mean trusted for another type.
    const other = issueCredential({
      issuerDid: hospitalDid,
      secretKey: hospital.exportSecret(),
      credential: { type: ["DegreeCredential"], credentialSubject: { id: patientDid } },
    });
    await refusedBoth(VcErrors.untrustedIssuer, other);
  });

  it("refuses malformed credentials", async () => {
    const { proof: _, ...unsigned } = credential;
    await refusedBoth(VcErrors.malformedCredential, unsigned);
    await refusedBoth(VcErrors.malformedCredential, { ...credential, "@context": ["https://example.org/other"] });
    await refusedBoth(VcErrors.malformedCredential, { ...credential, issuer: "did:example:123" });
    await refusedBoth(VcErrors.malformedCredential, { ...credential, validUntil: "next year" });
    await refusedBoth(VcErrors.malformedCredential, {
      ...credential,
      proof: { ...credential.proof, cryptosuite: "x" },
    });
    await refusedBoth(VcErrors.malformedCredential, {
      ...credential,
      credentialStatus: [
        { ...statusEntry("gh-rev-1", 5, "revocation"), statusListCredential: "https://example.org/l" },
      ],
    });
  });

  it("refuses a bad signature and a tampered credential", async () => {
    const sig = credential.proof.proofValue;
    const flipped = `${sig.slice(0, -2)}${sig.at(-2) === "2" ? "3" : "2"}${sig.at(-1)}`;
    await refusedBoth(VcErrors.invalidProof, { ...credential, proof: { ...credential.proof, proofValue: flipped } });
    await refusedBoth(VcErrors.invalidProof, {
      ...credential,
      credentialSubject: { id: patientDid, patientOf: "another-hospital" },
    });
    await refusedBoth(VcErrors.invalidProof, { ...credential, validUntil: "3999-01-01T00:00:00Z" });
    // A key of another DID, even a trusted one's, is not the issuer's.
    await refusedBoth(VcErrors.unknownIssuerKey, {
      ...credential,
      proof: { ...credential.proof, verificationMethod: `${universityDid}#key-1` },
    });
  });

  it("refuses an expired credential", async () => {
    const vc = issueCredential({
      issuerDid: hospitalDid,
      secretKey: hospital.exportSecret(),
      credential: {
        type: ["PatientCredential"],
        credentialSubject: { id: patientDid },
        validFrom: "2020-01-01T00:00:00Z",
        validUntil: "2021-01-01T00:00:00Z",
      },
    });
    await refusedBoth(VcErrors.expired, vc);
  });

  it("suspension is lifted again; revocation is final", async () => {
    await ok("hospital", [setStatusMsg.wrap({ listId: "gh-sus-1", index: 5, value: true })]);
    await refusedBoth(VcErrors.suspended, credential);
    await ok("hospital", [setStatusMsg.wrap({ listId: "gh-sus-1", index: 5, value: false })]);
    await verifiesBoth(credential);
    await ok("hospital", [setStatusMsg.wrap({ listId: "gh-rev-1", index: 5, value: true })]);
    await refusedBoth(VcErrors.revoked, credential);
    await refused(VcErrors.revocationFinal, "hospital", [
      setStatusMsg.wrap({ listId: "gh-rev-1", index: 5, value: false }),
    ]);
    await refusedBoth(VcErrors.revoked, credential);
  });

  it("withdrawn trust stops the hospital's credentials from verifying", async () => {
    const fresh = issueCredential({
      issuerDid: hospitalDid,
      secretKey: hospital.exportSecret(),
      credential: { type: ["PatientCredential"], credentialSubject: { id: patientDid } },
    });
    await verifiesBoth(fresh);
    await govern([removeTrustedIssuerMsg.wrap({ credentialType: "PatientCredential", issuerDid: hospitalDid })]);
    await refusedBoth(VcErrors.untrustedIssuer, fresh);
  });
});
