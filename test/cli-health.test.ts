/**
 * `urbis tx health …` / `urbis query health …` end to end through the real
 * CLI against a demo-genesis solo node started with `urbis start`: the
 * hospital (health.provider, health.emergency) registers alice as a patient
 * with her co-signature and indexes a record; alice consents to the
 * university, which logs a read; after revocation the read is refused; the
 * hospital breaks the glass and alice sees the alert; the university
 * publishes a study. Usage mistakes exit 2 before anything is signed.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  didOf,
  fromHex,
  patientRegistrationBytes,
  recordIdOf,
  sha256,
  signEd25519,
  toHex,
  utf8,
} from "@urbis/protocol";
import { linkIdOf, parseHash, parseList, parseTime } from "../packages/cli/src/commands/health.js";
import { CLI_MAIN, type CliDemoNode, startCliDemoNode, stopCliDemoNode } from "./helpers/cli-demo.js";

const MAIN = CLI_MAIN;

describe("health command helpers", () => {
  it("compute the link id as sha256(salt|identifiers)", () => {
    assert.deepEqual(linkIdOf("s", "CITY-1|1980-02-03"), sha256(utf8("s|CITY-1|1980-02-03")));
    assert.notDeepEqual(linkIdOf("s1", "x"), linkIdOf("s2", "x"));
  });

  it("parse times, hashes and lists, refusing malformed ones as usage errors", () => {
    const now = 1_700_000_000_000;
    assert.equal(parseTime("now", now), BigInt(now));
    assert.equal(parseTime("30d", now), BigInt(now + 30 * 86_400_000));
    assert.equal(parseTime("90m", now), BigInt(now + 90 * 60_000));
    assert.equal(parseTime("2026-03-01T00:00:00Z", now), BigInt(Date.UTC(2026, 2, 1)));
    assert.equal(parseTime("2026-03-01T01:00:00+01:00", now), BigInt(Date.UTC(2026, 2, 1)));
    for (const bad of ["", "30", "-1d", "30y", "2026-03-01", "2026-03-01T00:00:00", "tomorrow"]) {
      assert.throws(
        () => parseTime(bad, now),
        (e: { exitCode?: number }) => e.exitCode === 2,
        bad,
      );
    }
    assert.equal(toHex(parseHash("AB".repeat(32), "h")), "ab".repeat(32));
    assert.throws(() => parseHash("ab", "h"), /64 hex digits/);
    assert.deepEqual(parseList(" Observation, Condition ,,"), ["Observation", "Condition"]);
  });
});

describe("urbis tx health / query health against a running solo node", () => {
  let demo: CliDemoNode | undefined;
  let home = "";
  const env = () => ({ ...process.env, URBIS_HOME: home, URBIS_PASSPHRASE: "demo" });
  /** Runs the CLI as a user would, with readable output. */
  const urbisText = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], { env: env(), encoding: "utf8" });
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
      /** The refusal as (codespace, code): from stderr when refused at the check, else from the block result. */
      refusal: () => {
        const e = r.stderr.trim()
          ? (JSON.parse(r.stderr).error as { codespace: string; code: number })
          : JSON.parse(r.stdout);
        return { codespace: e.codespace, code: e.code };
      },
    };
  };
  const publicKey = (name: string) =>
    fromHex(JSON.parse(readFileSync(join(home, "keys", `${name}.json`), "utf8")).publicKey as string);
  /** Runs a transaction command and asserts it was committed. */
  const ok = (...args: string[]) => {
    const r = urbis(...args);
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(r.json().code, 0, r.out);
    return r.json();
  };
  const get = (...args: string[]) => {
    const r = urbis("query", "health", ...args);
    assert.equal(r.code, 0, r.out + r.err);
    return r.json().value;
  };

  const contentHash = toHex(sha256(utf8("an encrypted blob held by the hospital")));
  let aliceDid = "";
  let recordId = "";
  let consentId = "";

  before(async () => {
    demo = await startCliDemoNode("urbis-cli-health-");
    home = demo.home;
    for (const k of ["alice", "hospital", "university"]) ok("tx", "did", "create", "--from", k);
    aliceDid = didOf(publicKey("alice"));
  });

  after(() => stopCliDemoNode(demo));

  // Every CLI call loads the whole command line (seconds of CPU), so each step checks much per call.

  it("registers alice with her co-signature; only the link id's hash reaches the chain", () => {
    const credentialHash = toHex(sha256(utf8("alice's patient credential")));
    const r = ok(
      "tx",
      "health",
      "register-patient",
      "alice",
      "--link-salt",
      "alice-salt",
      "--identifiers",
      "CITY-7731-0042|1980-02-03",
      "--credential-hash",
      credentialHash,
      "--patient-key",
      "alice",
      "--from",
      "hospital",
    );
    const linkId = toHex(linkIdOf("alice-salt", "CITY-7731-0042|1980-02-03"));
    assert.equal(r.linkId, linkId);
    assert.ok(r.events.some((e: { type: string }) => e.type === "health.patient_registered"));
    const p = get("patient", "alice");
    assert.deepEqual(
      [p.did, p.linkId, p.credentialHash, p.registeredBy],
      [aliceDid, linkId, credentialHash, "general-hospital"],
    );
    // Found again from the salt and identifiers, hashed by the CLI.
    assert.equal(
      get("patient", "--link-salt", "alice-salt", "--identifiers", "CITY-7731-0042|1980-02-03").did,
      aliceDid,
    );
  });

  it("registers bob with a signature made outside the CLI, and refuses one over other data", () => {
    ok("tx", "did", "create", "--from", "bob");
    const bobDid = didOf(publicKey("bob"));
    const chainId = JSON.parse(readFileSync(join(home, "config.json"), "utf8")).chainId as string;
    const credentialHash = sha256(utf8("bob's patient credential"));
    const linkId = linkIdOf("bob-salt", "CITY-0001");
    // Bob's wallet signs with his secret (the demo keys are derived from their names, see demo.ts).
    const bobSecret = sha256(utf8("urbis-demo-key/bob"));
    const sign = (l: Uint8Array) =>
      toHex(signEd25519(patientRegistrationBytes(chainId, bobDid, l, credentialHash), bobSecret));
    const args = (signature: string) => [
      "tx",
      "health",
      "register-patient",
      bobDid,
      "--link-salt",
      "bob-salt",
      "--identifiers",
      "CITY-0001",
      "--credential-hash",
      toHex(credentialHash),
      "--patient-key",
      toHex(publicKey("bob")),
      "--patient-signature",
      signature,
      "--from",
      "hospital",
    ];
    const wrong = urbis(...args(sign(linkIdOf("bob-salt", "CITY-0002"))));
    assert.equal(wrong.code, 3, wrong.out + wrong.err);
    assert.deepEqual(wrong.refusal(), { codespace: "health", code: 8 }, "health.bad_patient_signature");
    assert.equal(ok(...args(sign(linkId))).linkId, toHex(linkId));
    assert.equal(get("patient", "bob").did, bobDid);
  });

  it("indexes a record and prints its id", () => {
    const r = ok(
      "tx",
      "health",
      "register-record",
      "alice",
      "Observation",
      contentHash,
      "--location",
      "https://records.general-hospital.example/v1/records/blobs",
      "--from",
      "hospital",
    );
    recordId = r.recordId;
    assert.equal(recordId, toHex(recordIdOf(aliceDid, fromHex(contentHash))));
    const rec = get("record", recordId);
    assert.deepEqual(
      [rec.patientDid, rec.custodian, rec.fhirType, rec.contentHash],
      [aliceDid, "general-hospital", "Observation", contentHash],
    );
    assert.deepEqual(
      get("records", "alice").records.map((x: { id: string }) => x.id),
      [recordId],
    );
  });

  it("lets the university read with alice's consent, logged on chain", () => {
    const c = ok(
      "tx",
      "health",
      "grant-consent",
      "alice",
      "--org",
      "university",
      "--types",
      "Observation",
      "--purposes",
      "HRESCH",
      "--from-time",
      "now",
      "--until",
      "30d",
      "--from",
      "alice",
    );
    consentId = c.consentId;
    assert.match(consentId, /^[0-9]+$/);
    const consent = get("consent", consentId);
    assert.deepEqual([consent.grantee, consent.status], [{ kind: "org", id: "university" }, "active"]);
    assert.deepEqual(
      get("consents", "--org", "university").consents.map((x: { id: string }) => x.id),
      [consentId],
    );

    const a = ok(
      "tx",
      "health",
      "access",
      recordId,
      "--purpose",
      "HRESCH",
      "--consent",
      consentId,
      "--from",
      "university",
    );
    assert.match(a.accessId, /^[0-9]+$/);
    const log = get("access-log", "alice").entries;
    assert.deepEqual(
      log.map((e: { id: string; accessorDid: string; org: string; consentId: string }) => [
        e.id,
        e.accessorDid,
        e.org,
        e.consentId,
      ]),
      [[a.accessId, didOf(publicKey("university")), "university", consentId]],
    );
  });

  it("refuses the university's read after revocation with health.consent_revoked and exit 3", () => {
    ok("tx", "health", "revoke-consent", consentId, "--from", "alice");
    assert.equal(get("consent", consentId).status, "revoked");
    const r = urbis(
      "tx",
      "health",
      "access",
      recordId,
      "--purpose",
      "HRESCH",
      "--consent",
      consentId,
      "--from",
      "university",
    );
    assert.equal(r.code, 3, r.out + r.err);
    assert.deepEqual(r.refusal(), { codespace: "health", code: 14 }, "health.consent_revoked");
    assert.equal(get("access-log", "alice").entries.length, 1, "a refused read is not logged");
  });

  it("logs the hospital's break-glass read and shows it in alice's alerts", () => {
    const a = ok(
      "tx",
      "health",
      "access",
      recordId,
      "--purpose",
      "ETREAT",
      "--break-glass",
      "unconscious",
      "--from",
      "hospital",
    );
    assert.ok(a.events.some((e: { type: string }) => e.type === "health.break_glass"));
    const alerts = get("alerts", "alice").entries;
    assert.deepEqual(
      alerts.map((e: { id: string; accessorDid: string; reason: string }) => [e.id, e.accessorDid, e.reason]),
      [[a.accessId, didOf(publicKey("hospital")), "unconscious"]],
    );
    // Without --json the same answer reads as indented key: value lines.
    const text = urbisText("query", "health", "alerts", "alice");
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^\s*reason: unconscious$/m);
    assert.match(text.stdout, /^\s*breakGlass: true$/m);
  });

  it("publishes a study hashed from a file and lists it", () => {
    const file = join(home, "study.pdf");
    writeFileSync(file, "a study of anonymized outcomes");
    const r = ok(
      "tx",
      "health",
      "publish-research",
      "study",
      "--file",
      file,
      "--title",
      "Outcomes 2026",
      "--uri",
      "https://university.example/studies/1",
      "--from",
      "university",
    );
    const hash = toHex(sha256(readFileSync(file)));
    assert.equal(r.documentHash, hash);
    assert.equal(get("research", hash).title, "Outcomes 2026");
    const list = get("research-list").research;
    assert.deepEqual(
      list.map((x: { documentHash: string; org: string; kind: string }) => [x.documentHash, x.org, x.kind]),
      [[hash, "university", "study"]],
    );
  });

  it("exits 2 on usage mistakes, before signing anything", () => {
    const usage = [
      [
        "tx",
        "health",
        "grant-consent",
        "alice",
        "--org",
        "university",
        "--person",
        "bob",
        "--types",
        "Observation",
        "--purposes",
        "TREAT",
        "--until",
        "1d",
        "--from",
        "alice",
      ],
      [
        "tx",
        "health",
        "grant-consent",
        "alice",
        "--org",
        "university",
        "--types",
        "Observation",
        "--purposes",
        "FUN",
        "--until",
        "1d",
        "--from",
        "alice",
      ],
      [
        "tx",
        "health",
        "grant-consent",
        "alice",
        "--org",
        "university",
        "--types",
        "Observation",
        "--purposes",
        "TREAT",
        "--until",
        "soon",
        "--from",
        "alice",
      ],
      ["tx", "health", "access", recordId, "--purpose", "ETREAT", "--break-glass", "bored", "--from", "hospital"],
      [
        "tx",
        "health",
        "access",
        recordId,
        "--purpose",
        "TREAT",
        "--consent",
        "1",
        "--break-glass",
        "unconscious",
        "--from",
        "hospital",
      ],
      [
        "tx",
        "health",
        "register-record",
        "alice",
        "Gossip",
        contentHash,
        "--location",
        "https://x.example",
        "--from",
        "hospital",
      ],
      [
        "tx",
        "health",
        "register-patient",
        "bob",
        "--link-salt",
        "s",
        "--identifiers",
        "i",
        "--credential-hash",
        "00",
        "--patient-key",
        "bob",
        "--from",
        "hospital",
      ],
      [
        "tx",
        "health",
        "register-patient",
        "bob",
        "--link-salt",
        "s",
        "--identifiers",
        "i",
        "--credential-hash",
        contentHash,
        "--from",
        "hospital",
      ],
      ["tx", "health", "publish-research", "study", "--title", "No document", "--from", "university"],
      ["tx", "health", "publish-research", "essay", contentHash, "--title", "t", "--from", "university"],
      ["query", "health", "consents", "alice", "--org", "university"],
    ];
    for (const args of usage) {
      const r = urbis(...args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.out}${r.err}`);
      assert.ok(JSON.parse(r.err).error.message.length > 0);
    }
    // Nothing above reached the chain: alice still has her one record, one consent and two reads.
    assert.equal(get("consents", "alice").consents.length, 1);
    assert.equal(get("access-log", "alice").entries.length, 2);
  });
});
