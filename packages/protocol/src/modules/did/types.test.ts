import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ED25519_TORSION_SUBGROUP, ed25519, x25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { base58 } from "@scure/base";
import fc from "fast-check";
import { compareBytes, concatBytes, fromHex, toHex, utf8 } from "../../bytes.js";
import { decode, encode } from "../../codec/index.js";
import type { ErrorDef } from "../../errors.js";
import { DidErrors } from "./errors.js";
import {
  type DidContent,
  type DidRecord,
  didContentOf,
  didDocumentKey,
  didHistoryKey,
  didHistoryPrefix,
  didIdOf,
  didKindCode,
  didKindName,
  didOf,
  didOfDocumentKey,
  didRecordCodec,
  didRecordToJson,
  isAuthenticationKey,
  isDid,
  isEd25519VerificationKey,
  isServiceEndpoint,
  isX25519KeyAgreementKey,
  MAX_DID_CONTROLLERS,
  MAX_DID_SERVICES,
  MAX_KEY_AGREEMENT_KEYS,
  MAX_RELATIONSHIP_ENTRIES,
  MAX_VERIFICATION_METHODS,
  parseDid,
  parseDidUrl,
  validateDidContent,
  validateDidKind,
} from "./types.js";

const key = (n: number) => ed25519.getPublicKey(new Uint8Array(32).fill(n));
const xkey = (n: number) => x25519.getPublicKey(new Uint8Array(32).fill(n));

function throwsDid(fn: () => unknown, def: ErrorDef, re?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(def.is(e), `expected ${def.codespace}.${def.name}, got ${String(e)}`);
    if (re) assert.match((e as Error).message, re);
    return true;
  });
}

/** A valid content with one method; `over` replaces parts. */
function content(over: Partial<DidContent> = {}): DidContent {
  return {
    controllers: [],
    verificationMethods: [{ fragment: "key-1", publicKey: key(1) }],
    authentication: ["key-1"],
    assertionMethod: ["key-1"],
    keyAgreement: [],
    services: [],
    ...over,
  };
}

describe("identifiers", () => {
  it("derive from SHA-256('urbis/did/v1' || 0x00 || key), first 16 bytes, base58btc", () => {
    const pk = key(0);
    // Computed here from the method's definition, not with the module's helper.
    const expected = base58.encode(sha256(concatBytes(utf8("urbis/did/v1"), new Uint8Array([0]), pk)).slice(0, 16));
    assert.equal(didIdOf(pk), expected);
    assert.equal(didOf(pk), `did:urbis:${expected}`);
    // Regression vector: the all-zero seed (the did:key vector's key).
    assert.equal(didOf(ed25519.getPublicKey(new Uint8Array(32))), "did:urbis:AsRnq81Yhewzrqq7B5ft1P");
  });

  it("every derived DID is canonical and parses back to its id", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const pk = ed25519.getPublicKey(seed);
        const did = didOf(pk);
        assert.ok(isDid(did), did);
        assert.equal(parseDid(did), didIdOf(pk));
      }),
      { numRuns: 200 },
    );
  });

  it("only canonical 16-byte base58 ids are DIDs", () => {
    const zeros = `did:urbis:${base58.encode(new Uint8Array(16))}`;
    assert.equal(zeros, "did:urbis:1111111111111111");
    assert.ok(isDid(zeros));
    const good = didOf(key(3));
    for (const bad of [
      "",
      "did:urbis:",
      `${good}#key-1`,
      `${good}?versionId=1`,
      `${good}/path`,
      good.replace("did:urbis:", "did:URBIS:"),
      good.replace("did:urbis:", "did:key:"),
      `${good} `,
      `did:urbis:1${good.slice(10)}`, // a leading '1' adds a zero byte: 17 bytes
      `did:urbis:${base58.encode(new Uint8Array(15).fill(9))}`, // 15 bytes
      `did:urbis:${base58.encode(new Uint8Array(17).fill(9))}`, // 17 bytes
      "did:urbis:0OIl0OIl0OIl0OIl0OIl", // not the base58 alphabet
    ]) {
      assert.equal(isDid(bad), false, bad);
      throwsDid(() => parseDid(bad), DidErrors.invalidDid);
    }
    assert.equal(isDid(42), false);
    assert.equal(isDid(undefined), false);
  });

  it("DID URLs split into DID and fragment", () => {
    const did = didOf(key(4));
    assert.deepEqual(parseDidUrl(did), { did });
    assert.deepEqual(parseDidUrl(`${did}#key-1`), { did, fragment: "key-1" });
    throwsDid(() => parseDidUrl(`${did}#`), DidErrors.invalidDid);
    throwsDid(() => parseDidUrl(`${did}#a b`), DidErrors.invalidDid);
    throwsDid(() => parseDidUrl("did:urbis:x#key-1"), DidErrors.invalidDid);
  });

  it("kinds map to codes 0..2 and nothing else", () => {
    assert.equal(didKindName(0), "person");
    assert.equal(didKindName(1), "organization");
    assert.equal(didKindName(2), "device");
    assert.equal(didKindName(3), undefined);
    assert.equal(didKindCode("device"), 2);
    validateDidKind(2);
    throwsDid(() => validateDidKind(3), DidErrors.invalidKind);
    throwsDid(() => didKindCode("robot" as never), DidErrors.invalidKind);
  });
});

describe("store keys", () => {
  const did = didOf(key(5));
  it("are did/doc/<id> and did/hist/<id>/<u32 big-endian>", () => {
    const id = parseDid(did);
    assert.deepEqual(didDocumentKey(did), utf8(`did/doc/${id}`));
    assert.deepEqual(didHistoryPrefix(did), utf8(`did/hist/${id}/`));
    assert.equal(toHex(didHistoryKey(did, 258)), toHex(concatBytes(utf8(`did/hist/${id}/`), fromHex("00000102"))));
    assert.equal(didOfDocumentKey(didDocumentKey(did)), did);
    assert.equal(didOfDocumentKey(utf8("did/doc/")), undefined);
    assert.equal(didOfDocumentKey(utf8("bank/doc/x")), undefined);
    throwsDid(() => didDocumentKey("did:urbis:nope"), DidErrors.invalidDid);
    throwsDid(() => didHistoryKey(did, 0), DidErrors.versionNotFound);
  });

  it("history keys sort in version order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0xffff_ffff }), fc.integer({ min: 1, max: 0xffff_ffff }), (a, b) => {
        const c = compareBytes(didHistoryKey(did, a), didHistoryKey(did, b));
        assert.equal(Math.sign(c), Math.sign(a - b));
      }),
    );
  });
});

describe("keys", () => {
  it("verification keys: valid Ed25519 points of large order only", () => {
    assert.ok(isEd25519VerificationKey(key(1)));
    for (const torsion of ED25519_TORSION_SUBGROUP) {
      assert.equal(isEd25519VerificationKey(fromHex(torsion)), false, torsion);
    }
    assert.equal(isEd25519VerificationKey(new Uint8Array(31)), false);
    assert.equal(isEd25519VerificationKey(new Uint8Array(33)), false);
    // A y-coordinate with no point on the curve.
    let notOnCurve: Uint8Array | undefined;
    for (let i = 2; !notOnCurve; i++) {
      const b = new Uint8Array(32);
      b[0] = i;
      try {
        ed25519.Point.fromBytes(b);
      } catch {
        notOnCurve = b;
      }
    }
    assert.equal(isEd25519VerificationKey(notOnCurve), false);
  });

  it("key agreement keys: canonical X25519 of large order only", () => {
    assert.ok(isX25519KeyAgreementKey(xkey(1)));
    const le = (n: bigint) => {
      const b = new Uint8Array(32);
      for (let i = 0; i < 32; i++) b[i] = Number((n >> BigInt(8 * i)) & 0xffn);
      return b;
    };
    const p = (1n << 255n) - 19n;
    for (const bad of [
      0n,
      1n,
      p - 1n,
      p, // non-canonical (≡ 0)
      p + 1n, // non-canonical (≡ 1)
      325606250916557431795983626356110631294008115727848805560023387167927233504n,
      39382357235489614581723060781553021112529911719440698176882885853963445705823n,
    ]) {
      assert.equal(isX25519KeyAgreementKey(le(bad)), false, bad.toString());
    }
    const high = xkey(2);
    high[31] = (high[31] as number) | 0x80;
    assert.equal(isX25519KeyAgreementKey(high), false);
    assert.equal(isX25519KeyAgreementKey(new Uint8Array(31)), false);
    // Every low-order value refused above really is degenerate: noble refuses it too.
    assert.throws(() => x25519.getSharedSecret(new Uint8Array(32).fill(7), le(p - 1n)));
  });
});

describe("service endpoints", () => {
  it("accepts https, wss and did URIs", () => {
    for (const ok of [
      "https://example.org",
      "https://example.org/",
      "https://hospital.city.example:8443/fhir/r4?x=1#top",
      "wss://relay.example.org/ws",
      "https://[2001:db8::1]/path",
      "https://example.org/a%20b",
      "did:urbis:AsRnq81Yhewzrqq7B5ft1P",
      "did:web:example.org:users:x#agent",
    ]) {
      assert.ok(isServiceEndpoint(ok), ok);
    }
  });

  it("refuses contact schemes, user info, spaces, non-ASCII and overlong endpoints", () => {
    for (const bad of [
      "mailto:alice@example.org",
      "tel:+15551234567",
      "http://example.org",
      "https://alice:secret@example.org",
      "https://alice@example.org",
      "https://",
      "https://exa mple.org",
      "https://example.org/é",
      "https://example.org/%zz",
      "ftp://example.org",
      "example.org",
      `https://example.org/${"a".repeat(500)}`,
    ]) {
      assert.equal(isServiceEndpoint(bad), false, bad);
    }
  });
});

describe("validateDidContent", () => {
  it("accepts a full valid document", () => {
    validateDidContent(
      content({
        controllers: [didOf(key(9))],
        verificationMethods: [
          { fragment: "key-1", publicKey: key(1) },
          { fragment: "key_2", publicKey: key(2) },
        ],
        authentication: ["key-1", "key_2"],
        assertionMethod: [],
        keyAgreement: [{ fragment: "enc-1", publicKey: xkey(1) }],
        services: [{ fragment: "web", type: "LinkedDomains", endpoint: "https://example.org" }],
      }),
    );
  });

  const cases: [string, Partial<DidContent>, ErrorDef][] = [
    ["malformed controller", { controllers: ["did:urbis:nope"] }, DidErrors.invalidDid],
    ["controller twice", { controllers: [didOf(key(9)), didOf(key(9))] }, DidErrors.duplicateController],
    [
      "too many controllers",
      { controllers: Array.from({ length: MAX_DID_CONTROLLERS + 1 }, (_, i) => didOf(key(i + 10))) },
      DidErrors.tooManyEntries,
    ],
    ["no verification method", { verificationMethods: [], authentication: [] }, DidErrors.noAuthentication],
    [
      "too many verification methods",
      {
        verificationMethods: Array.from({ length: MAX_VERIFICATION_METHODS + 1 }, (_, i) => ({
          fragment: `k${i}`,
          publicKey: key(i + 1),
        })),
        authentication: ["k0"],
        assertionMethod: [],
      },
      DidErrors.tooManyEntries,
    ],
    ["bad fragment", { verificationMethods: [{ fragment: "key 1", publicKey: key(1) }] }, DidErrors.invalidFragment],
    [
      "long fragment",
      { verificationMethods: [{ fragment: "k".repeat(33), publicKey: key(1) }] },
      DidErrors.invalidFragment,
    ],
    [
      "short key",
      { verificationMethods: [{ fragment: "key-1", publicKey: key(1).slice(1) }] },
      DidErrors.invalidPublicKey,
    ],
    [
      "small-order key",
      { verificationMethods: [{ fragment: "key-1", publicKey: fromHex(ED25519_TORSION_SUBGROUP[0] as string) }] },
      DidErrors.invalidPublicKey,
    ],
    [
      "key twice",
      {
        verificationMethods: [
          { fragment: "key-1", publicKey: key(1) },
          { fragment: "key-2", publicKey: key(1) },
        ],
      },
      DidErrors.duplicateKey,
    ],
    [
      "fragment twice",
      {
        verificationMethods: [
          { fragment: "key-1", publicKey: key(1) },
          { fragment: "key-1", publicKey: key(2) },
        ],
      },
      DidErrors.duplicateFragment,
    ],
    [
      "service reuses a method's fragment",
      { services: [{ fragment: "key-1", type: "LinkedDomains", endpoint: "https://example.org" }] },
      DidErrors.duplicateFragment,
    ],
    [
      "key agreement reuses a fragment",
      { keyAgreement: [{ fragment: "key-1", publicKey: xkey(1) }] },
      DidErrors.duplicateFragment,
    ],
    [
      "bad key agreement key",
      { keyAgreement: [{ fragment: "enc", publicKey: new Uint8Array(32) }] },
      DidErrors.invalidPublicKey,
    ],
    [
      "too many key agreement keys",
      {
        keyAgreement: Array.from({ length: MAX_KEY_AGREEMENT_KEYS + 1 }, (_, i) => ({
          fragment: `x${i}`,
          publicKey: xkey(i + 1),
        })),
      },
      DidErrors.tooManyEntries,
    ],
    [
      "too many services",
      {
        services: Array.from({ length: MAX_DID_SERVICES + 1 }, (_, i) => ({
          fragment: `s${i}`,
          type: "LinkedDomains",
          endpoint: "https://example.org",
        })),
      },
      DidErrors.tooManyEntries,
    ],
    [
      "bad service type",
      { services: [{ fragment: "s", type: "Linked Domains", endpoint: "https://x.org" }] },
      DidErrors.invalidService,
    ],
    [
      "personal endpoint",
      { services: [{ fragment: "s", type: "Email", endpoint: "mailto:a@b.org" }] },
      DidErrors.invalidService,
    ],
    ["no authentication", { authentication: [] }, DidErrors.noAuthentication],
    ["authentication names a service", { authentication: ["nope"] }, DidErrors.unknownMethod],
    ["assertion names nothing", { assertionMethod: ["key-9"] }, DidErrors.unknownMethod],
    ["authentication twice", { authentication: ["key-1", "key-1"] }, DidErrors.duplicateFragment],
    [
      "too many authentication entries",
      { authentication: Array.from({ length: MAX_RELATIONSHIP_ENTRIES + 1 }, () => "key-1") },
      DidErrors.tooManyEntries,
    ],
  ];
  for (const [name, over, def] of cases) {
    it(`refuses: ${name} (did.${def.name})`, () => throwsDid(() => validateDidContent(content(over)), def));
  }
});

describe("record", () => {
  const did = didOf(key(1));
  const record: DidRecord = {
    id: did,
    kind: 1,
    ...content({ keyAgreement: [{ fragment: "enc", publicKey: xkey(1) }] }),
    version: 3,
    created: { height: 5n, timeMs: 1_700_000_000_000n },
    updated: { height: 9n, timeMs: 1_700_000_100_000n },
    deactivated: false,
  };

  it("round-trips through the codec and JSON", () => {
    assert.deepEqual(decode(didRecordCodec, encode(didRecordCodec, record)), record);
    const json = didRecordToJson(record);
    assert.equal(json.kind, "organization");
    assert.equal(json.verificationMethods[0]?.publicKey, Buffer.from(key(1)).toString("base64"));
    assert.deepEqual(json.created, { height: "5", timeMs: "1700000000000" });
    throwsDid(() => didRecordToJson({ ...record, kind: 7 }), DidErrors.invalidKind);
  });

  it("authentication keys and content copies", () => {
    assert.ok(isAuthenticationKey(record, key(1)));
    assert.equal(isAuthenticationKey(record, key(2)), false);
    const c = didContentOf(record);
    assert.deepEqual(c, content({ keyAgreement: [{ fragment: "enc", publicKey: xkey(1) }] }));
    c.verificationMethods[0]!.publicKey[0] = 0;
    assert.notEqual(record.verificationMethods[0]!.publicKey[0], 0, "a deep copy");
  });
});
