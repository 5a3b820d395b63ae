/**
 * Interoperability with Digital Bazaar's independent VC stack
 * (@digitalbazaar/vc with data-integrity and eddsa-jcs-2022): a credential
 * issued by the Urbis SDK verifies there, and one issued there with an Urbis
 * DID's key verifies in Urbis. The library resolves `did:urbis` through a
 * document loader built on the SDK's did-resolver driver against a real solo
 * node; the VC v2 context comes bundled with the library (no network).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { createSignCryptosuite, createVerifyCryptosuite } from "@digitalbazaar/eddsa-jcs-2022-cryptosuite";
import * as dbVc from "@digitalbazaar/vc";
import { base58 } from "@scure/base";
import { bytesToBase64, didOf, ed25519ToMultibase, VcErrors } from "@urbis/protocol";
import { getUrbisResolver, issueCredential, verifyCredential } from "@urbis/sdk";
import { Resolver } from "did-resolver";
import { demoGenesisSpec, demoKey } from "../packages/cli/src/demo.js";
import { buildGenesis } from "../packages/cli/src/genesis.js";
import { type ApiNode, startApiNode, stopApiNode } from "./helpers/api-node.js";

describe("VC interoperability with @digitalbazaar/vc", { timeout: 120_000 }, () => {
  let f: ApiNode;
  const hospital = demoKey("hospital");
  const hospitalDid = didOf(hospital.publicKey);
  const subject = didOf(demoKey("interop-patient").publicKey);
  let documentLoader: dbVc.DocumentLoader;

  before(async () => {
    // The hospital's DID and its trust for PatientCredential come from genesis (the DID and VC sections).
    const genesis = buildGenesis(demoGenesisSpec("urbis-vc-interop"));
    const stamp = { height: "1", timeMs: "0" };
    genesis.appState.did = {
      versions: [
        {
          id: hospitalDid,
          kind: "organization",
          controllers: [],
          verificationMethods: [{ fragment: "key-1", publicKey: bytesToBase64(hospital.publicKey) }],
          authentication: ["key-1"],
          assertionMethod: ["key-1"],
          keyAgreement: [],
          services: [],
          version: 1,
          created: stamp,
          updated: stamp,
          deactivated: false,
        },
      ],
    };
    genesis.appState.vc = { trustedIssuers: [{ credentialType: "PatientCredential", issuerDid: hospitalDid }] };
    f = await startApiNode(genesis, { prefix: "urbis-vc-interop-" });
    const resolver = new Resolver(getUrbisResolver(f.client));
    documentLoader = async (url: string) => {
      if (url.startsWith("did:urbis:")) {
        const [did, fragment] = url.split("#") as [string, string | undefined];
        const r = await resolver.resolve(did);
        assert.ok(r.didDocument, `resolving ${did}: ${JSON.stringify(r.didResolutionMetadata)}`);
        const doc = r.didDocument as unknown as { verificationMethod?: { id: string }[] };
        const document =
          fragment === undefined
            ? doc
            : {
                "@context": "https://w3id.org/security/multikey/v1",
                ...doc.verificationMethod?.find((m) => m.id === url),
              };
        return { contextUrl: null, documentUrl: url, document };
      }
      return dbVc.defaultDocumentLoader(url);
    };
  });
  after(() => stopApiNode(f));

  it("a credential issued by Urbis verifies in @digitalbazaar/vc", async () => {
    const vc = issueCredential({
      issuerDid: hospitalDid,
      secretKey: hospital.exportSecret(),
      credential: { type: ["PatientCredential"], credentialSubject: { id: subject } },
    });
    const suite = new DataIntegrityProof({ cryptosuite: createVerifyCryptosuite() });
    const result = await dbVc.verifyCredential({ credential: vc, suite, documentLoader });
    assert.equal(result.verified, true, JSON.stringify(result.error ?? result, null, 1));
    // And a tampered copy does not.
    const tampered = { ...vc, credentialSubject: { id: didOf(demoKey("someone-else").publicKey) } };
    const bad = await dbVc.verifyCredential({ credential: tampered, suite, documentLoader });
    assert.equal(bad.verified, false);
  });

  it("a credential issued by @digitalbazaar/vc with the Urbis DID's key verifies in Urbis", async () => {
    const keyPair = await Ed25519Multikey.from({
      id: `${hospitalDid}#key-1`,
      controller: hospitalDid,
      publicKeyMultibase: ed25519ToMultibase(hospital.publicKey),
      secretKeyMultibase: secretKeyMultibase(hospital.exportSecret()),
    });
    const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: createSignCryptosuite() });
    const unsigned = {
      "@context": ["https://www.w3.org/ns/credentials/v2"],
      type: ["VerifiableCredential", "PatientCredential"],
      issuer: hospitalDid,
      validFrom: "2025-01-01T00:00:00Z",
      credentialSubject: { id: subject },
    };
    const signed = await dbVc.issue({ credential: unsigned, suite, documentLoader });
    assert.equal(signed.proof.cryptosuite, "eddsa-jcs-2022");
    const v = await verifyCredential(signed, { client: f.client });
    assert.deepEqual([v.verified, v.issuer, v.types], [true, hospitalDid, ["PatientCredential"]]);
    assert.equal((await f.client.api.verifyCredential({ body: signed })).verified, true);
    const tampered = { ...signed, validFrom: "2024-01-01T00:00:00Z" };
    await assert.rejects(verifyCredential(tampered, { client: f.client }), (e) => VcErrors.invalidProof.is(e));
  });
});

/** Multibase of an Ed25519 secret key as Multikey writes it: multicodec 0x1300 (ed25519-priv) then the 32 bytes, base58btc. */
function secretKeyMultibase(secret: Uint8Array): string {
  return `z${base58.encode(Uint8Array.of(0x80, 0x26, ...secret))}`;
}
