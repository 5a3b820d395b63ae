/**
 * The DID module's messages run as the App runs them (unwrap, validate,
 * handle) straight on a store: every success path with its record, history
 * and event, and every refusal with its specific code and an untouched store.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  createDidMessage,
  createDidMsg,
  type DidContent,
  DidErrors,
  type DidRecord,
  deactivateDidMessage,
  decode,
  didContentOf,
  didDocumentKey,
  didHistoryKey,
  didOf,
  didRecordCodec,
  encode,
  MAX_DID_VERSION,
  updateDidMessage,
} from "@urbis/protocol";
import type { Event } from "../../framework/events.js";
import { ANYONE } from "../../framework/module.js";
import { DID_EVENTS } from "./events.js";
import { setup, T0, TEST_X25519_KEY, type TestPair, testPair } from "./testing.js";

const [ALICE, ALICE2, ORG, ORG2, MALLORY, DEVICE] = [1, 2, 3, 4, 5, 6].map(testPair) as [
  TestPair,
  TestPair,
  TestPair,
  TestPair,
  TestPair,
  TestPair,
];

const attrs = (e: Event | undefined) => Object.fromEntries((e?.attributes ?? []).map((a) => [a.key, a.value]));

/** Content with one authentication key. */
const keyed = (publicKey: Uint8Array, over: Partial<DidContent> = {}): DidContent => ({
  controllers: [],
  verificationMethods: [{ fragment: "key-1", publicKey }],
  authentication: ["key-1"],
  assertionMethod: ["key-1"],
  keyAgreement: [],
  services: [],
  ...over,
});

describe("did/create", () => {
  it("every DID message is open to anyone at the App level (keys authorize)", () => {
    const { mod } = setup();
    for (const h of mod.messages) assert.equal(h.permission, ANYONE, h.msg.type);
  });

  it("registers the signer's own key as #key-1, with history and an event", () => {
    const t = setup();
    const did = didOf(ALICE.publicKey);
    const xk = TEST_X25519_KEY;
    const events = t.run(
      ALICE.publicKey,
      createDidMessage({
        kind: "person",
        publicKey: ALICE.publicKey,
        keyAgreement: [{ fragment: "enc-1", publicKey: xk }],
        services: [{ fragment: "inbox", type: "DIDCommMessaging", endpoint: "https://relay.example.org/alice" }],
      }),
    );
    const r = t.keeper.require(t.store, did);
    assert.deepEqual(r, {
      id: did,
      kind: 0,
      controllers: [],
      verificationMethods: [{ fragment: "key-1", publicKey: ALICE.publicKey }],
      authentication: ["key-1"],
      assertionMethod: ["key-1"],
      keyAgreement: [{ fragment: "enc-1", publicKey: xk }],
      services: [{ fragment: "inbox", type: "DIDCommMessaging", endpoint: "https://relay.example.org/alice" }],
      version: 1,
      created: { height: 1n, timeMs: T0 },
      updated: { height: 1n, timeMs: T0 },
      deactivated: false,
    } satisfies DidRecord);
    assert.deepEqual(t.store.get(didHistoryKey(did, 1)), t.store.get(didDocumentKey(did)));
    assert.equal(events.length, 1);
    assert.equal(events[0]?.type, DID_EVENTS.created);
    assert.deepEqual(attrs(events[0]), { did, kind: "person", version: "1", authorizedBy: did });
    t.check();
  });

  it("an organization registers a device it controls", () => {
    const t = setup();
    const org = didOf(ORG.publicKey);
    t.run(ORG.publicKey, createDidMessage({ kind: "organization", publicKey: ORG.publicKey }));
    const events = t.run(
      ORG.publicKey,
      createDidMessage({ kind: "device", publicKey: DEVICE.publicKey, controllers: [org] }),
    );
    const device = didOf(DEVICE.publicKey);
    assert.deepEqual(t.keeper.require(t.store, device).controllers, [org]);
    assert.deepEqual(attrs(events[0]), { did: device, kind: "device", version: "1", authorizedBy: org });
    // The device's own key does not control it: its controller list does.
    assert.equal(t.keeper.controls(t.store, device, DEVICE.publicKey), false);
    assert.ok(t.keeper.controls(t.store, device, ORG.publicKey));
    t.check();
  });

  it("a DID may list itself among its controllers", () => {
    const t = setup();
    const did = didOf(ALICE.publicKey);
    t.run(ORG.publicKey, createDidMessage({ kind: "organization", publicKey: ORG.publicKey }));
    t.run(
      ALICE.publicKey,
      createDidMessage({ kind: "person", publicKey: ALICE.publicKey, controllers: [did, didOf(ORG.publicKey)] }),
    );
    assert.ok(t.keeper.controls(t.store, did, ALICE.publicKey));
    assert.ok(t.keeper.controls(t.store, did, ORG.publicKey));
    t.check();
  });

  it("refuses a second registration of the same key with did.exists", () => {
    const t = setup();
    t.run(ALICE.publicKey, createDidMessage({ kind: "person", publicKey: ALICE.publicKey }));
    t.refuses(DidErrors.exists, () =>
      t.run(ALICE.publicKey, createDidMessage({ kind: "organization", publicKey: ALICE.publicKey })),
    );
  });

  it("refuses a key the signer does not hold with did.not_controller", () => {
    const t = setup();
    t.refuses(DidErrors.notController, () =>
      t.run(MALLORY.publicKey, createDidMessage({ kind: "person", publicKey: ALICE.publicKey })),
    );
  });

  it("refuses a device registration by someone who is not a listed controller", () => {
    const t = setup();
    t.run(ORG.publicKey, createDidMessage({ kind: "organization", publicKey: ORG.publicKey }));
    t.refuses(DidErrors.notController, () =>
      t.run(
        MALLORY.publicKey,
        createDidMessage({ kind: "device", publicKey: DEVICE.publicKey, controllers: [didOf(ORG.publicKey)] }),
      ),
    );
  });

  it("refuses governance (no key): it does not own people's DIDs", () => {
    const t = setup();
    t.refuses(DidErrors.notController, () =>
      t.run(undefined, createDidMessage({ kind: "person", publicKey: ALICE.publicKey })),
    );
  });

  it("refuses an unregistered controller and a deactivated one", () => {
    const t = setup();
    t.refuses(DidErrors.unknownController, () =>
      t.run(
        ALICE.publicKey,
        createDidMessage({ kind: "person", publicKey: ALICE.publicKey, controllers: [didOf(ORG.publicKey)] }),
      ),
    );
    t.run(ORG.publicKey, createDidMessage({ kind: "organization", publicKey: ORG.publicKey }));
    t.run(ORG.publicKey, deactivateDidMessage(didOf(ORG.publicKey)));
    t.refuses(DidErrors.controllerDeactivated, () =>
      t.run(
        ORG.publicKey,
        createDidMessage({ kind: "device", publicKey: DEVICE.publicKey, controllers: [didOf(ORG.publicKey)] }),
      ),
    );
  });

  it("refuses malformed content with its specific code", () => {
    const t = setup();
    t.refuses(DidErrors.invalidKind, () =>
      t.run(
        ALICE.publicKey,
        createDidMsg.wrap({ kind: 9, publicKey: ALICE.publicKey, controllers: [], services: [], keyAgreement: [] }),
      ),
    );
    t.refuses(DidErrors.invalidPublicKey, () =>
      t.run(
        ALICE.publicKey,
        createDidMsg.wrap({ kind: 0, publicKey: new Uint8Array(32), controllers: [], services: [], keyAgreement: [] }),
      ),
    );
    t.refuses(DidErrors.invalidService, () =>
      t.run(
        ALICE.publicKey,
        createDidMessage({
          kind: "person",
          publicKey: ALICE.publicKey,
          services: [{ fragment: "mail", type: "Email", endpoint: "mailto:alice@example.org" }],
        }),
      ),
    );
    // The keeper re-checks what handlers validate, for callers that skip validation.
    t.refuses(DidErrors.invalidKind, () =>
      t.keeper.create(t.store, t.block(), ALICE.publicKey, {
        kind: 3,
        publicKey: ALICE.publicKey,
        controllers: [],
        services: [],
        keyAgreement: [],
      }),
    );
  });
});

describe("did/update", () => {
  function withAlice() {
    const t = setup();
    const did = didOf(ALICE.publicKey);
    t.run(ALICE.publicKey, createDidMessage({ kind: "person", publicKey: ALICE.publicKey }));
    t.next();
    return { ...t, did };
  }

  it("rotates the key: the new key controls the DID, the old one no longer does", () => {
    const t = withAlice();
    const events = t.run(ALICE.publicKey, updateDidMessage(t.did, 1, keyed(ALICE2.publicKey, { assertionMethod: [] })));
    const r = t.keeper.require(t.store, t.did);
    assert.equal(r.version, 2);
    assert.deepEqual(r.verificationMethods, [{ fragment: "key-1", publicKey: ALICE2.publicKey }]);
    assert.deepEqual(r.created, { height: 1n, timeMs: T0 });
    assert.deepEqual(r.updated, { height: 2n, timeMs: T0 + 1_000n });
    assert.deepEqual(attrs(events[0]), { did: t.did, version: "2", authorizedBy: t.did });
    assert.equal(events[0]?.type, DID_EVENTS.updated);
    t.next();
    t.refuses(DidErrors.notController, () =>
      t.run(ALICE.publicKey, updateDidMessage(t.did, 2, keyed(ALICE.publicKey))),
    );
    t.run(ALICE2.publicKey, updateDidMessage(t.did, 2, keyed(ALICE2.publicKey)));
    assert.equal(t.keeper.require(t.store, t.did).version, 3);
    assert.deepEqual(
      t.keeper.history(t.store, t.did).map((v) => v.version),
      [1, 2, 3],
    );
    // History keeps the old key.
    assert.deepEqual(t.keeper.version(t.store, t.did, 1)?.verificationMethods[0]?.publicKey, ALICE.publicKey);
    t.check();
  });

  it("a key in verificationMethod but not in authentication cannot update", () => {
    const t = withAlice();
    t.run(
      ALICE.publicKey,
      updateDidMessage(t.did, 1, {
        ...keyed(ALICE.publicKey),
        verificationMethods: [
          { fragment: "key-1", publicKey: ALICE.publicKey },
          { fragment: "sign", publicKey: ALICE2.publicKey },
        ],
        assertionMethod: ["sign"],
      }),
    );
    t.refuses(DidErrors.notController, () =>
      t.run(ALICE2.publicKey, updateDidMessage(t.did, 2, keyed(ALICE2.publicKey))),
    );
  });

  it("handing control to an organization: its key updates, the subject's own no longer does", () => {
    const t = withAlice();
    const org = didOf(ORG.publicKey);
    t.run(ORG.publicKey, createDidMessage({ kind: "organization", publicKey: ORG.publicKey }));
    t.run(ALICE.publicKey, updateDidMessage(t.did, 1, keyed(ALICE.publicKey, { controllers: [org] })));
    t.refuses(DidErrors.notController, () =>
      t.run(ALICE.publicKey, updateDidMessage(t.did, 2, keyed(ALICE.publicKey))),
    );
    const ev = t.run(ORG.publicKey, updateDidMessage(t.did, 2, keyed(ALICE.publicKey, { controllers: [org] })));
    assert.equal(attrs(ev[0]).authorizedBy, org);
    t.check();
  });

  it("control is one level deep: a controller's controller cannot update", () => {
    const t = withAlice();
    const org = didOf(ORG.publicKey);
    const org2 = didOf(ORG2.publicKey);
    t.run(ORG2.publicKey, createDidMessage({ kind: "organization", publicKey: ORG2.publicKey }));
    t.run(ORG.publicKey, createDidMessage({ kind: "organization", publicKey: ORG.publicKey, controllers: [org2] }));
    t.run(ALICE.publicKey, updateDidMessage(t.did, 1, keyed(ALICE.publicKey, { controllers: [org] })));
    t.refuses(DidErrors.notController, () =>
      t.run(ORG2.publicKey, updateDidMessage(t.did, 2, keyed(ALICE.publicKey, { controllers: [org] }))),
    );
  });

  it("a deactivated controller no longer authorizes", () => {
    const t = withAlice();
    const org = didOf(ORG.publicKey);
    t.run(ORG.publicKey, createDidMessage({ kind: "organization", publicKey: ORG.publicKey }));
    t.run(ALICE.publicKey, updateDidMessage(t.did, 1, keyed(ALICE.publicKey, { controllers: [org] })));
    t.run(ORG.publicKey, deactivateDidMessage(org));
    t.refuses(DidErrors.notController, () =>
      t.run(ORG.publicKey, updateDidMessage(t.did, 2, keyed(ALICE.publicKey, { controllers: [] }))),
    );
  });

  it("refuses a stale expectedVersion with did.version_mismatch", () => {
    const t = withAlice();
    t.run(ALICE.publicKey, updateDidMessage(t.did, 1, keyed(ALICE.publicKey, { assertionMethod: [] })));
    t.refuses(DidErrors.versionMismatch, () =>
      t.run(ALICE.publicKey, updateDidMessage(t.did, 1, keyed(ALICE.publicKey))),
    );
    t.refuses(DidErrors.versionMismatch, () =>
      t.run(ALICE.publicKey, updateDidMessage(t.did, 3, keyed(ALICE.publicKey))),
    );
  });

  it("refuses an unknown DID, a malformed one, and governance", () => {
    const t = withAlice();
    const bob = didOf(MALLORY.publicKey);
    t.refuses(DidErrors.notFound, () => t.run(MALLORY.publicKey, updateDidMessage(bob, 1, keyed(MALLORY.publicKey))));
    t.refuses(DidErrors.invalidDid, () =>
      t.run(ALICE.publicKey, updateDidMessage(`${t.did}#key-1`, 1, keyed(ALICE.publicKey))),
    );
    t.refuses(DidErrors.notController, () => t.run(undefined, updateDidMessage(t.did, 1, keyed(ALICE.publicKey))));
  });

  it("refuses a new controller list naming an unknown or deactivated DID", () => {
    const t = withAlice();
    const org = didOf(ORG.publicKey);
    t.refuses(DidErrors.unknownController, () =>
      t.run(ALICE.publicKey, updateDidMessage(t.did, 1, keyed(ALICE.publicKey, { controllers: [org] }))),
    );
    t.run(ORG.publicKey, createDidMessage({ kind: "organization", publicKey: ORG.publicKey }));
    t.run(ORG.publicKey, deactivateDidMessage(org));
    t.refuses(DidErrors.controllerDeactivated, () =>
      t.run(ALICE.publicKey, updateDidMessage(t.did, 1, keyed(ALICE.publicKey, { controllers: [org] }))),
    );
  });

  it("refuses content breaking the document rules", () => {
    const t = withAlice();
    t.refuses(DidErrors.noAuthentication, () =>
      t.run(ALICE.publicKey, updateDidMessage(t.did, 1, keyed(ALICE.publicKey, { authentication: [] }))),
    );
    t.refuses(DidErrors.unknownMethod, () =>
      t.run(ALICE.publicKey, updateDidMessage(t.did, 1, keyed(ALICE.publicKey, { assertionMethod: ["key-7"] }))),
    );
  });

  it("refuses an update past the last version number with did.version_limit", () => {
    const t = withAlice();
    // Only reachable after 2^32 − 2 updates: write such a record directly.
    const r = { ...t.keeper.require(t.store, t.did), version: MAX_DID_VERSION };
    t.store.set(didDocumentKey(t.did), encode(didRecordCodec, r));
    t.refuses(DidErrors.versionLimit, () =>
      t.run(ALICE.publicKey, updateDidMessage(t.did, MAX_DID_VERSION, keyed(ALICE.publicKey))),
    );
    t.refuses(DidErrors.versionLimit, () => t.run(ALICE.publicKey, deactivateDidMessage(t.did)));
  });
});

describe("did/deactivate", () => {
  it("is final: the DID keeps its history and refuses every later change", () => {
    const t = setup();
    const did = didOf(ALICE.publicKey);
    t.run(ALICE.publicKey, createDidMessage({ kind: "person", publicKey: ALICE.publicKey }));
    t.next();
    const events = t.run(ALICE.publicKey, deactivateDidMessage(did));
    assert.equal(events[0]?.type, DID_EVENTS.deactivated);
    assert.deepEqual(attrs(events[0]), { did, version: "2", authorizedBy: did });
    const r = t.keeper.require(t.store, did);
    assert.equal(r.deactivated, true);
    assert.equal(r.version, 2);
    assert.deepEqual(decode(didRecordCodec, t.store.get(didHistoryKey(did, 2))!), r);
    assert.equal(t.keeper.controls(t.store, did, ALICE.publicKey), false);
    t.refuses(DidErrors.deactivated, () => t.run(ALICE.publicKey, deactivateDidMessage(did)));
    t.refuses(DidErrors.deactivated, () => t.run(ALICE.publicKey, updateDidMessage(did, 2, didContentOf(r))));
    // Its key cannot register it again either.
    t.refuses(DidErrors.exists, () =>
      t.run(ALICE.publicKey, createDidMessage({ kind: "person", publicKey: ALICE.publicKey })),
    );
    t.check();
  });

  it("refuses a non-controller, governance, an unknown and a malformed DID", () => {
    const t = setup();
    const did = didOf(ALICE.publicKey);
    t.run(ALICE.publicKey, createDidMessage({ kind: "person", publicKey: ALICE.publicKey }));
    t.refuses(DidErrors.notController, () => t.run(MALLORY.publicKey, deactivateDidMessage(did)));
    t.refuses(DidErrors.notController, () => t.run(undefined, deactivateDidMessage(did)));
    t.refuses(DidErrors.notFound, () => t.run(MALLORY.publicKey, deactivateDidMessage(didOf(MALLORY.publicKey))));
    t.refuses(DidErrors.invalidDid, () => t.run(ALICE.publicKey, deactivateDidMessage("did:urbis:short")));
  });
});
