import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { encode, string, struct, u8, vec } from "../../codec/index.js";
import { TxErrors } from "../../core-errors.js";
import type { ErrorDef } from "../../errors.js";
import { DidErrors } from "./errors.js";
import {
  createDidMessage,
  createDidMsg,
  createdDidContent,
  DID_MESSAGES,
  deactivateDidMessage,
  deactivateDidMsg,
  updateDidMessage,
  updateDidMsg,
  validateCreateDidMsg,
  validateDeactivateDidMsg,
  validateUpdateDidMsg,
} from "./messages.js";
import { didOf, INITIAL_KEY_FRAGMENT, MAX_DID_LIST_WIRE_ITEMS } from "./types.js";

const key = (n: number) => ed25519.getPublicKey(new Uint8Array(32).fill(n));
const xkey = (n: number) => x25519.getPublicKey(new Uint8Array(32).fill(n));

function throwsErr(fn: () => unknown, def: ErrorDef): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(def.is(e), `expected ${def.codespace}.${def.name}, got ${String(e)}`);
    return true;
  });
}

describe("did messages", () => {
  it("have the registered types, in code order", () => {
    assert.deepEqual(
      DID_MESSAGES.map((m) => m.type),
      ["did/create", "did/update", "did/deactivate"],
    );
  });

  it("builders wrap values that unwrap to the same message", () => {
    const controller = didOf(key(9));
    const create = createDidMessage({
      kind: "device",
      publicKey: key(1),
      controllers: [controller],
      keyAgreement: [{ fragment: "enc", publicKey: xkey(1) }],
      services: [{ fragment: "api", type: "DeviceEndpoint", endpoint: "https://iot.example.org/d/1" }],
    });
    assert.equal(create.type, "did/create");
    const m = createDidMsg.unwrap(create);
    assert.equal(m.kind, 2);
    assert.deepEqual(m.publicKey, key(1));
    assert.deepEqual(m.controllers, [controller]);
    validateCreateDidMsg(m);
    assert.deepEqual(createdDidContent(m).verificationMethods, [{ fragment: INITIAL_KEY_FRAGMENT, publicKey: key(1) }]);
    assert.deepEqual(createdDidContent(m).authentication, ["key-1"]);
    assert.deepEqual(createdDidContent(m).assertionMethod, ["key-1"]);

    const did = didOf(key(1));
    const upd = updateDidMsg.unwrap(
      updateDidMessage(did, 4, {
        controllers: [],
        verificationMethods: [{ fragment: "key-2", publicKey: key(2) }],
        authentication: ["key-2"],
        assertionMethod: [],
        keyAgreement: [],
        services: [],
      }),
    );
    assert.equal(upd.did, did);
    assert.equal(upd.expectedVersion, 4);
    validateUpdateDidMsg(upd);
    assert.deepEqual(deactivateDidMsg.unwrap(deactivateDidMessage(did)), { did });
  });

  it("create: refuses an unknown kind, a bad key, a colliding fragment", () => {
    const base = createDidMsg.unwrap(createDidMessage({ kind: "person", publicKey: key(1) }));
    throwsErr(() => validateCreateDidMsg({ ...base, kind: 3 }), DidErrors.invalidKind);
    throwsErr(() => validateCreateDidMsg({ ...base, publicKey: key(1).slice(0, 31) }), DidErrors.invalidPublicKey);
    throwsErr(
      () => validateCreateDidMsg({ ...base, keyAgreement: [{ fragment: "key-1", publicKey: xkey(1) }] }),
      DidErrors.duplicateFragment,
    );
    throwsErr(() => validateCreateDidMsg({ ...base, controllers: ["did:example:123"] }), DidErrors.invalidDid);
  });

  it("update and deactivate: refuse a malformed DID", () => {
    throwsErr(() => validateDeactivateDidMsg({ did: "did:urbis:" }), DidErrors.invalidDid);
    throwsErr(
      () =>
        validateUpdateDidMsg({
          did: "not a did",
          expectedVersion: 1,
          controllers: [],
          verificationMethods: [{ fragment: "key-1", publicKey: key(1) }],
          authentication: ["key-1"],
          assertionMethod: [],
          keyAgreement: [],
          services: [],
        }),
      DidErrors.invalidDid,
    );
  });

  it("a list beyond the wire limit is a malformed message, not a crash", () => {
    const overlong = struct({
      kind: u8,
      publicKey: vec(u8, 64),
      controllers: vec(string(128), MAX_DID_LIST_WIRE_ITEMS + 1),
    });
    const value = encode(overlong, {
      kind: 0,
      publicKey: [...key(1)],
      controllers: Array.from({ length: MAX_DID_LIST_WIRE_ITEMS + 1 }, () => "x"),
    });
    throwsErr(() => createDidMsg.unwrap({ type: "did/create", value }), TxErrors.malformed);
    throwsErr(
      () => deactivateDidMsg.unwrap({ type: "did/deactivate", value: new Uint8Array([1, 2]) }),
      TxErrors.malformed,
    );
  });
});
