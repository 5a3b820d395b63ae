/**
 * `urbis tx did …` / `urbis query did …` end to end through the real CLI:
 * `urbis init --demo`, `urbis start` (solo engine) as a child process on a
 * free loopback port, then a DID's whole life — create, resolve, add a
 * service, rotate to a fresh key, a refused update by the old key, hand
 * control to another DID, deactivate — checking output, exit codes and that
 * refusals change nothing.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { didOf, ed25519ToMultibase, fromHex, x25519ToMultibase } from "@urbis/protocol";
import fc from "fast-check";
import { nextKeyFragment, parseServiceSpec, x25519FromEd25519 } from "../packages/cli/src/commands/did.js";
import { CLI_MAIN, type CliDemoNode, startCliDemoNode, stopCliDemoNode } from "./helpers/cli-demo.js";

const MAIN = CLI_MAIN;

describe("did command helpers", () => {
  it("convert an Ed25519 key to the X25519 key of the same secret", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const pk = ed25519.getPublicKey(seed);
        const u = x25519FromEd25519(pk);
        assert.deepEqual(u, ed25519.utils.toMontgomery(pk));
        assert.deepEqual(u, x25519.getPublicKey(ed25519.utils.toMontgomerySecret(seed)));
      }),
      { numRuns: 50 },
    );
  });

  it("parse --service and pick a fresh key fragment", () => {
    assert.deepEqual(parseServiceSpec("api,DeviceEndpoint,https://x.example/a,b"), {
      fragment: "api",
      type: "DeviceEndpoint",
      endpoint: "https://x.example/a,b",
    });
    assert.throws(() => parseServiceSpec("api,https://x.example"), /fragment>,<type>,<url>/);
    const k = ed25519.getPublicKey(new Uint8Array(32).fill(1));
    const content = {
      controllers: [],
      verificationMethods: [{ fragment: "key-7", publicKey: k }],
      authentication: ["key-7"],
      assertionMethod: [],
      keyAgreement: [{ fragment: "key-8", publicKey: k }],
      services: [],
    };
    assert.equal(nextKeyFragment(content, 2), "key-9");
    assert.equal(
      nextKeyFragment({ ...content, verificationMethods: [{ fragment: "main", publicKey: k }] }, 4),
      "key-5",
    );
  });
});

describe("urbis tx did / query did against a running solo node", () => {
  let demo: CliDemoNode | undefined;
  let home = "";
  const env = () => ({ ...process.env, URBIS_HOME: home, URBIS_PASSPHRASE: "demo" });
  const urbis = (...args: string[]) => {
    const r = spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args, "--json"], {
      env: env(),
      encoding: "utf8",
    });
    return {
      code: r.status,
      out: r.stdout,
      err: r.stderr,
      json: () => JSON.parse(r.stdout),
      error: () => JSON.parse(r.stderr).error as { codespace: string; code: number; message: string },
    };
  };
  /** A key's public key, read from its keystore file (the public part is in clear). */
  const publicKey = (name: string) =>
    fromHex(JSON.parse(readFileSync(join(home, "keys", `${name}.json`), "utf8")).publicKey as string);
  /** Runs a transaction command and asserts it was committed. */
  const ok = (...args: string[]) => {
    const r = urbis(...args);
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(r.json().code, 0, r.out);
    return r.json();
  };
  const resolve = (...args: string[]) => {
    const r = urbis("query", "did", ...args);
    assert.equal(r.code, 0, r.err);
    return r.json();
  };

  let did = "";

  before(async () => {
    demo = await startCliDemoNode("urbis-cli-did-");
    home = demo.home;
  });

  after(() => stopCliDemoNode(demo));

  // Every CLI call loads the whole command line (seconds of CPU), so each step checks much per call.

  it("creates alice's DID from her key and resolves it", () => {
    const alice = publicKey("alice");
    const r = ok(
      "tx",
      "did",
      "create",
      "--from",
      "alice",
      "--key-agreement",
      "alice",
      "--service",
      "inbox,DIDCommMessaging,https://relay.example.org/a",
    );
    did = r.did;
    assert.equal(did, didOf(alice));
    assert.ok(r.events.some((e: { type: string }) => e.type === "did.created"));

    // A key name stands for the DID created with that key.
    const res = resolve("alice");
    assert.equal(res.didDocument.id, did);
    assert.deepEqual(res.didDocument.verificationMethod, [
      { id: `${did}#key-1`, type: "Multikey", controller: did, publicKeyMultibase: ed25519ToMultibase(alice) },
    ]);
    assert.deepEqual(res.didDocument.authentication, [`${did}#key-1`]);
    // The key agreement key is alice's key in X25519 form, as libsodium and noble convert it.
    assert.equal(
      res.didDocument.keyAgreement[0].publicKeyMultibase,
      x25519ToMultibase(ed25519.utils.toMontgomery(alice)),
    );
    assert.deepEqual(res.didDocument.service, [
      { id: `${did}#inbox`, type: "DIDCommMessaging", serviceEndpoint: "https://relay.example.org/a" },
    ]);
    assert.equal(res.didDocumentMetadata.versionId, "1");
    assert.equal(res.didDocumentMetadata.kind, "person");
  });

  it("adds a service, then rotates to a fresh key keeping services and key agreement", () => {
    ok("tx", "did", "add-service", did, "web", "LinkedDomains", "https://alice.example.org", "--from", "alice");
    const k = urbis("keys", "add", "alice2");
    assert.equal(k.code, 0, k.err);
    const alice2 = fromHex(k.json().publicKey);
    ok("tx", "did", "rotate-key", did, "--to", "alice2", "--from", "alice");

    const rotated = resolve(did);
    assert.equal(rotated.didDocumentMetadata.versionId, "3");
    assert.deepEqual(rotated.didDocument.verificationMethod, [
      { id: `${did}#key-3`, type: "Multikey", controller: did, publicKeyMultibase: ed25519ToMultibase(alice2) },
    ]);
    assert.deepEqual(rotated.didDocument.authentication, [`${did}#key-3`]);
    assert.deepEqual(rotated.didDocument.assertionMethod, [`${did}#key-3`]);
    assert.deepEqual(
      rotated.didDocument.service.map((s: { id: string }) => s.id),
      [`${did}#inbox`, `${did}#web`],
    );
    assert.equal(rotated.didDocument.keyAgreement.length, 1);
  });

  it("refuses an update signed by the old key with did.not_controller and exit 3", () => {
    const r = urbis("tx", "did", "remove-service", did, "web", "--from", "alice");
    assert.equal(r.code, 3, r.out + r.err);
    assert.deepEqual(
      { codespace: r.error().codespace, code: r.error().code },
      { codespace: "did", code: 14 },
      "did.not_controller",
    );
    // That nothing changed is checked by the history below: no version between 3 and the next update.
  });

  it("hands control to bob's organization DID, which then deactivates alice's", () => {
    const bobDid = ok("tx", "did", "create", "--from", "bob", "--kind", "organization").did;
    assert.equal(bobDid, didOf(publicKey("bob")));
    ok("tx", "did", "set-controllers", did, "bob", "--from", "alice2");
    ok("tx", "did", "deactivate", did, "--from", "bob");

    // Resolution prints the deactivated result and exits 3 with did.deactivated.
    const r = urbis("query", "did", did);
    assert.equal(r.code, 3, r.err);
    assert.deepEqual({ codespace: r.error().codespace, code: r.error().code }, { codespace: "did", code: 16 });
    assert.equal(r.json().didDocumentMetadata.deactivated, true);
    assert.equal(r.json().didDocumentMetadata.versionId, "5");
    assert.deepEqual(Object.keys(r.json().didDocument), ["@context", "id"]);

    // Older versions stay resolvable: version 4 is the one bob controlled.
    const v4 = resolve(did, "--version-id", "4");
    assert.deepEqual(v4.didDocument.controller, [bobDid]);
    assert.equal(v4.didDocumentMetadata.nextVersionId, "5");

    const h = urbis("query", "did-history", did);
    assert.equal(h.code, 0, h.err);
    assert.equal(h.json().value.latestVersion, 5);
    assert.deepEqual(
      h.json().value.versions.map((v: { versionId: string; deactivated: boolean }) => [v.versionId, v.deactivated]),
      [
        ["1", false],
        ["2", false],
        ["3", false],
        ["4", false],
        ["5", true],
      ],
    );
  });

  it("exits 5 for an unknown DID and 2 for a malformed one", () => {
    const unknown = urbis("query", "did", didOf(ed25519.getPublicKey(new Uint8Array(32).fill(7))));
    assert.equal(unknown.code, 5, unknown.err);
    assert.deepEqual(
      { codespace: unknown.error().codespace, code: unknown.error().code },
      { codespace: "did", code: 13 },
    );
    const bad = urbis("query", "did", "did:urbis:notadid");
    assert.equal(bad.code, 2, bad.err);
  });
});
