import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { encodeAddress } from "../../address.js";
import { concatBytes, toHex, utf8 } from "../../bytes.js";
import { encode } from "../../codec/index.js";
import { publicKeyOf } from "../../crypto.js";
import { registeredErrors } from "../../errors.js";
import { codeOf, rec, roundTripper } from "../../test-support.js";
import { DID_PREFIX, didIdOf, didOf, isDid } from "../did/types.js";
import { OrgErrors } from "./errors.js";
import {
  type AdmitOrgMsg,
  addMemberMsg,
  admitOrgMsg,
  delegateRoleMsg,
  ORG_MESSAGES,
  removeOrgMsg,
  setAdminsMsg,
  updateOrgParamsMsg,
  validateAdmitOrgMsg,
  validateDelegationMsg,
  validateMemberMsg,
  validateOrgStatusMsg,
  validateRoleGrantMsg,
  validateSetAdminsMsg,
  validateUpdateOrgParamsMsg,
} from "./messages.js";
import {
  compareAddresses,
  DEFAULT_ORG_PARAMS,
  DEFAULT_ROLES,
  DEFAULT_SECTORS,
  MAX_ORG_ADMINS,
  ORG_ID_PATTERN,
  ORG_WIRE_LIMITS,
  type Organization,
  organizationCodec,
  organizationToJson,
  orgParamsCodec,
  ROLE_PATTERN,
  SECTOR_PATTERN,
  sortAddresses,
} from "./types.js";

const addr = (n: number) => encodeAddress(new Uint8Array(20).fill(n));
const anyAddr = fc.uint8Array({ minLength: 20, maxLength: 20 }).map(encodeAddress);
const vkey = (n: number) => publicKeyOf(new Uint8Array(32).fill(n));
const slug = fc.stringMatching(ORG_ID_PATTERN);
const roleArb = fc.stringMatching(ROLE_PATTERN);
/** A distinct lowercase tag for each small integer (sector names allow no digits). */
const letters = (i: number) => String.fromCharCode(97 + Math.floor(i / 26), 97 + (i % 26));

const roundTrips = roundTripper(100);

const goodAdmit: AdmitOrgMsg = {
  id: "general-hospital",
  name: "General Hospital",
  sector: "health",
  admins: [addr(1), addr(2)],
  validatorKey: undefined,
  did: undefined,
};

describe("org message codecs", () => {
  it("round-trip the record, the parameters and the messages", () => {
    const org = rec({
      id: slug,
      name: fc.string({ maxLength: 100 }),
      sector: fc.stringMatching(SECTOR_PATTERN),
      admins: fc.array(anyAddr, { maxLength: 16 }),
      validatorKey: fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 }), { nil: undefined }),
      did: fc.option(fc.string({ maxLength: 32 }), { nil: undefined }),
      status: fc.constantFrom("active" as const, "suspended" as const, "removed" as const),
      admittedAt: fc.bigInt({ min: 0n, max: 1n << 40n }),
      statusChangedAt: fc.bigInt({ min: 0n, max: 1n << 40n }),
    });
    roundTrips(organizationCodec, org);
    roundTrips(
      orgParamsCodec,
      rec({
        sectors: fc.array(fc.stringMatching(SECTOR_PATTERN), { maxLength: 10 }),
        roles: fc.array(roleArb, { maxLength: 10 }),
        maxMembersPerOrg: fc.integer({ min: 0, max: 0xffff_ffff }),
      }),
    );
    roundTrips(
      admitOrgMsg.codec,
      rec({
        id: slug,
        name: fc.string({ maxLength: 100 }),
        sector: fc.string({ maxLength: 20 }),
        admins: fc.array(anyAddr, { maxLength: 20 }),
        validatorKey: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
        did: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
      }),
    );
    roundTrips(setAdminsMsg.codec, rec({ id: slug, admins: fc.array(anyAddr, { maxLength: 20 }) }));
    roundTrips(delegateRoleMsg.codec, rec({ id: slug, role: roleArb }));
    roundTrips(addMemberMsg.codec, rec({ id: slug, member: anyAddr }));
  });

  it("have the documented type strings", () => {
    assert.deepEqual(
      ORG_MESSAGES.map((t) => t.type),
      [
        "org/admit",
        "org/suspend",
        "org/reinstate",
        "org/remove",
        "org/delegate_role",
        "org/revoke_delegation",
        "org/add_member",
        "org/remove_member",
        "org/set_admins",
        "org/grant_role",
        "org/revoke_role",
        "org/update_params",
        "org/replace_admins",
      ],
    );
  });

  it("lay org/add_member out as length-prefixed id then 20 raw address bytes", () => {
    const bytes = encode(addMemberMsg.codec, { id: "ab", member: addr(7) });
    assert.equal(
      toHex(bytes),
      toHex(concatBytes(new Uint8Array([2, 0, 0, 0]), utf8("ab"), new Uint8Array(20).fill(7))),
    );
  });

  it("refuse over-long wire values with tx.malformed", () => {
    const longId = concatBytes(new Uint8Array([65, 0, 0, 0]), new Uint8Array(65).fill(97));
    const reason = concatBytes(new Uint8Array([1, 0, 0, 0]), utf8("x"));
    assert.equal(
      codeOf(() => removeOrgMsg.unwrap({ type: "org/remove", value: concatBytes(longId, reason) })),
      "tx.malformed",
    );
    const tooManyAdmins = {
      ...goodAdmit,
      admins: Array.from({ length: ORG_WIRE_LIMITS.admins + 1 }, (_, i) => addr(i)),
    };
    assert.equal(
      codeOf(() => admitOrgMsg.unwrap({ type: "org/admit", value: encode(admitOrgMsg.codec, goodAdmit).slice(0, 3) })),
      "tx.malformed",
    );
    assert.throws(() => admitOrgMsg.wrap(tooManyAdmins));
  });
});

describe("org stateless validation", () => {
  it("accepts a well-formed admission, with and without validator key and DID", () => {
    assert.equal(
      codeOf(() => validateAdmitOrgMsg(goodAdmit)),
      "ok",
    );
    assert.equal(
      codeOf(() => validateAdmitOrgMsg({ ...goodAdmit, validatorKey: vkey(3), did: didOf(vkey(3)) })),
      "ok",
    );
  });

  it("refuses each malformed admission field with its own code", () => {
    const cases: [string, Partial<AdmitOrgMsg>, string][] = [
      ["uppercase id", { id: "General" }, "org.invalid_id"],
      ["one-char id", { id: "a" }, "org.invalid_id"],
      ["id with slash", { id: "a/b" }, "org.invalid_id"],
      ["id starting with a digit", { id: "1abc" }, "org.invalid_id"],
      ["empty name", { name: "" }, "org.invalid_name"],
      ["padded name", { name: " Hospital" }, "org.invalid_name"],
      ["control in name", { name: "Hos\npital" }, "org.invalid_name"],
      ["long name", { name: "x".repeat(129) }, "org.invalid_name"],
      ["bad sector", { sector: "Health" }, "org.invalid_sector"],
      ["no admins", { admins: [] }, "org.no_admins"],
      [
        "17 admins",
        { admins: Array.from({ length: MAX_ORG_ADMINS + 1 }, (_, i) => addr(i + 1)) },
        "org.too_many_admins",
      ],
      ["duplicate admin", { admins: [addr(1), addr(2), addr(1)] }, "org.duplicate_admin"],
      ["31-byte key", { validatorKey: vkey(1).subarray(0, 31) }, "org.invalid_validator_key"],
      ["zero key", { validatorKey: new Uint8Array(32) }, "org.invalid_validator_key"],
      ["bad did", { did: "did:web:example.org" }, "org.invalid_did"],
      ["long did", { did: `did:urbis:${"a".repeat(119)}` }, "org.invalid_did"],
      // Shapes the org module once took but the DID module never registers.
      ["slug did", { did: "did:urbis:general-hospital" }, "org.invalid_did"],
      ["short did", { did: "did:urbis:gh" }, "org.invalid_did"],
      ["did with a fragment", { did: `${didOf(vkey(3))}#key-1` }, "org.invalid_did"],
      ["non-canonical did", { did: `${DID_PREFIX}1${didIdOf(vkey(3))}` }, "org.invalid_did"],
    ];
    for (const [name, patch, id] of cases) {
      assert.equal(
        codeOf(() => validateAdmitOrgMsg({ ...goodAdmit, ...patch })),
        id,
        name,
      );
    }
    assert.equal(
      codeOf(() => validateAdmitOrgMsg({ ...goodAdmit, admins: Array.from({ length: 16 }, (_, i) => addr(i)) })),
      "ok",
    );
  });

  it("takes a DID exactly when the DID module would, and refuses the rest as org.invalid_did", () => {
    const base58 = fc.constantFrom(..."123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0OIl:.-_#");
    const candidate = fc.oneof(
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((k) => didOf(k)),
      fc.array(base58, { minLength: 0, maxLength: 24 }).map((cs) => `${DID_PREFIX}${cs.join("")}`),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(candidate, (did) => {
        assert.equal(
          codeOf(() => validateAdmitOrgMsg({ ...goodAdmit, did })),
          isDid(did) ? "ok" : "org.invalid_did",
        );
      }),
      { numRuns: 500 },
    );
  });

  it("checks reasons, roles, ids and admin lists of the other messages", () => {
    assert.equal(
      codeOf(() => validateOrgStatusMsg({ id: "city-hall", reason: "audit" })),
      "ok",
    );
    for (const reason of ["", " x", "a\tb", "x".repeat(257)]) {
      assert.equal(
        codeOf(() => validateOrgStatusMsg({ id: "city-hall", reason })),
        "org.invalid_reason",
        reason,
      );
    }
    assert.equal(
      codeOf(() => validateOrgStatusMsg({ id: "X", reason: "ok" })),
      "org.invalid_id",
    );
    for (const role of ["health", "Health.provider", "health.", ".provider", "a.b", "health.provider.x"]) {
      assert.equal(
        codeOf(() => validateDelegationMsg({ id: "city-hall", role })),
        "org.invalid_role",
        role,
      );
      assert.equal(
        codeOf(() => validateRoleGrantMsg({ id: "city-hall", member: addr(1), role })),
        "org.invalid_role",
        role,
      );
    }
    for (const role of DEFAULT_ROLES) {
      assert.equal(
        codeOf(() => validateDelegationMsg({ id: "city-hall", role })),
        "ok",
        role,
      );
    }
    assert.equal(
      codeOf(() => validateMemberMsg({ id: "-bad", member: addr(1) })),
      "org.invalid_id",
    );
    assert.equal(
      codeOf(() => validateSetAdminsMsg({ id: "city-hall", admins: [] })),
      "org.no_admins",
    );
    assert.equal(
      codeOf(() => validateSetAdminsMsg({ id: "city-hall", admins: [addr(4), addr(4)] })),
      "org.duplicate_admin",
    );
  });

  it("checks parameter changes", () => {
    const ok = DEFAULT_ORG_PARAMS;
    assert.equal(
      codeOf(() => validateUpdateOrgParamsMsg({ params: ok })),
      "ok",
    );
    const cases: [string, Partial<typeof ok>, string][] = [
      ["no sectors", { sectors: [] }, "org.invalid_params"],
      ["duplicate sector", { sectors: ["health", "health"] }, "org.invalid_params"],
      ["bad sector", { sectors: ["Health"] }, "org.invalid_sector"],
      [
        "too many sectors",
        { sectors: Array.from({ length: 65 }, (_, i) => `sector_${letters(i)}`) },
        "org.invalid_params",
      ],
      ["duplicate role", { roles: ["health.provider", "health.provider"] }, "org.invalid_params"],
      ["bad role", { roles: ["health"] }, "org.invalid_role"],
      ["zero members", { maxMembersPerOrg: 0 }, "org.invalid_params"],
    ];
    for (const [name, patch, id] of cases) {
      assert.equal(
        codeOf(() => validateUpdateOrgParamsMsg({ params: { ...ok, ...patch } })),
        id,
        name,
      );
    }
    assert.equal(
      codeOf(() => validateUpdateOrgParamsMsg({ params: { ...ok, roles: [] } })),
      "ok",
    );
    // A parameter change travels as one message and decodes to the same value.
    const m = updateOrgParamsMsg.wrap({ params: ok });
    assert.deepEqual(updateOrgParamsMsg.unwrap(m), { params: ok });
  });

  it("default parameters follow their own rules", () => {
    assert.deepEqual(DEFAULT_ORG_PARAMS.sectors, [...DEFAULT_SECTORS]);
    for (const s of DEFAULT_SECTORS) assert.match(s, SECTOR_PATTERN);
    for (const r of DEFAULT_ROLES) assert.match(r, ROLE_PATTERN);
    assert.equal(DEFAULT_ORG_PARAMS.maxMembersPerOrg, 10_000);
  });

  it("sorts addresses by bytes, not by their bech32 text", () => {
    fc.assert(
      fc.property(fc.array(anyAddr, { maxLength: 8 }), (list) => {
        const sorted = sortAddresses(list);
        for (let i = 1; i < sorted.length; i++) assert.ok(compareAddresses(sorted[i - 1]!, sorted[i]!) <= 0);
      }),
      { numRuns: 50 },
    );
  });

  it("renders a record as JSON with base64 key and decimal heights", () => {
    const o: Organization = {
      ...goodAdmit,
      validatorKey: vkey(2),
      did: didOf(vkey(2)),
      status: "suspended",
      admittedAt: 1n,
      statusChangedAt: 5n,
    };
    const j = organizationToJson(o);
    assert.equal(j.status, "suspended");
    assert.equal(j.admittedAt, "1");
    assert.equal(j.statusChangedAt, "5");
    assert.equal(typeof j.validatorKey, "string");
    assert.deepEqual(Object.keys(organizationToJson({ ...o, validatorKey: undefined, did: undefined })).sort(), [
      "admins",
      "admittedAt",
      "id",
      "name",
      "sector",
      "status",
      "statusChangedAt",
    ]);
  });
});

describe("org error codes", () => {
  it("are registered in codespace org with codes from 1, without gaps", () => {
    const v = registeredErrors().filter((d) => d.codespace === "org");
    assert.deepEqual(
      v.map((d) => d.code),
      v.map((_, i) => i + 1),
    );
    assert.equal(v.length, Object.keys(OrgErrors).length);
    for (const k of ["notAdmin", "notMember", "organizationInactive", "missingRole", "roleNotDelegated"] as const) {
      assert.equal(OrgErrors[k].httpStatus, 403, k);
    }
    assert.equal(OrgErrors.unknownOrganization.httpStatus, 404);
    assert.equal(OrgErrors.missingRole.create().id, "org.missing_role");
  });
});
