/**
 * DID genesis: export of a real history parses back to the same state, an
 * absent section means no DIDs, and every malformed section fails with
 * `app.invalid_genesis` naming where.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  createDidMessage,
  type DidRecordJson,
  deactivateDidMessage,
  didOf,
  hasPrefix,
  toHex,
  updateDidMessage,
  utf8,
} from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import { MemoryStore } from "../../framework/store.js";
import { exportDidGenesis, parseDidGenesis } from "./genesis.js";
import { didModule } from "./module.js";
import { setup, TEST_X25519_KEY, testPair } from "./testing.js";

const [ALICE, ALICE2, ORG, DEVICE] = [1, 2, 3, 4].map(testPair) as [
  ReturnType<typeof testPair>,
  ReturnType<typeof testPair>,
  ReturnType<typeof testPair>,
  ReturnType<typeof testPair>,
];

/** A small city: an organization, its device, Alice (rotated once, then deactivated). */
function city() {
  const t = setup();
  const org = didOf(ORG.publicKey);
  const alice = didOf(ALICE.publicKey);
  t.run(ORG.publicKey, createDidMessage({ kind: "organization", publicKey: ORG.publicKey }));
  t.run(ORG.publicKey, createDidMessage({ kind: "device", publicKey: DEVICE.publicKey, controllers: [org] }));
  t.run(
    ALICE.publicKey,
    createDidMessage({
      kind: "person",
      publicKey: ALICE.publicKey,
      keyAgreement: [{ fragment: "enc", publicKey: TEST_X25519_KEY }],
    }),
  );
  t.next();
  t.run(
    ALICE.publicKey,
    updateDidMessage(alice, 1, {
      controllers: [org],
      verificationMethods: [{ fragment: "key-2", publicKey: ALICE2.publicKey }],
      authentication: ["key-2"],
      assertionMethod: [],
      keyAgreement: [],
      services: [{ fragment: "web", type: "LinkedDomains", endpoint: "https://alice.example.org" }],
    }),
  );
  t.next();
  t.run(ORG.publicKey, deactivateDidMessage(alice));
  return t;
}

const didState = (s: MemoryStore) =>
  [...s.iterate()].filter(([k]) => hasPrefix(k, utf8("did/"))).map(([k, v]) => `${toHex(k)}=${toHex(v)}`);

function failsGenesis(json: unknown, re: RegExp): void {
  assert.throws(
    () => parseDidGenesis(json),
    (e: unknown) => {
      assert.ok(AppErrors.invalidGenesis.is(e), String(e));
      assert.match((e as Error).message, re);
      return true;
    },
  );
}

describe("did genesis", () => {
  it("an absent or empty section means no DIDs", () => {
    assert.deepEqual(parseDidGenesis(undefined), { histories: [] });
    assert.deepEqual(parseDidGenesis({}), { histories: [] });
    assert.deepEqual(parseDidGenesis({ versions: [] }), { histories: [] });
    assert.deepEqual(exportDidGenesis(new MemoryStore()), { versions: [] });
  });

  it("export then parse and init gives the same state, invariants holding", () => {
    const t = city();
    const exported = exportDidGenesis(t.store);
    assert.equal((exported as { versions: unknown[] }).versions.length, 5);
    const mod = didModule();
    const store = new MemoryStore();
    const ctx = { block: t.block(), store, emit: () => {} };
    mod.genesis.init(ctx, mod.genesis.parse(JSON.parse(JSON.stringify(exported))));
    assert.deepEqual(didState(store), didState(t.store));
    for (const inv of mod.invariants) assert.equal(inv.check(ctx), undefined, inv.name);
    assert.deepEqual(mod.genesis.export(ctx), exported);
  });

  describe("refuses", () => {
    const t = city();
    const all = (exportDidGenesis(t.store) as { versions: DidRecordJson[] }).versions;
    const alice = didOf(ALICE.publicKey);
    const org = didOf(ORG.publicKey);
    const aliceVersions = all.filter((v) => v.id === alice);
    const orgV1 = all.find((v) => v.id === org) as DidRecordJson;
    const v = (over: Partial<DidRecordJson>, base: DidRecordJson = orgV1) => ({ ...base, ...over });
    const cases: [string, unknown, RegExp][] = [
      ["a non-object", [], /did: expected an object/],
      ["an unknown top-level field", { versions: [], dids: [] }, /unknown field "dids"/],
      ["an unknown record field", { versions: [{ ...orgV1, name: "Alice" }] }, /versions\[0\]: unknown field "name"/],
      ["a malformed id", { versions: [v({ id: "did:urbis:nope" })] }, /versions\[0\]\.id/],
      ["an id not derived from #key-1", { versions: [v({ id: alice })] }, /does not derive/],
      ["an unknown kind", { versions: [v({ kind: "robot" as never })] }, /versions\[0\]\.kind/],
      [
        "a key of the wrong length",
        { versions: [v({ verificationMethods: [{ fragment: "key-1", publicKey: "AAAA" }] })] },
        /did\.invalid_public_key/,
      ],
      [
        "a key that is not base64",
        { versions: [v({ verificationMethods: [{ fragment: "key-1", publicKey: "!!" }] })] },
        /publicKey/,
      ],
      [
        "a key in non-canonical base64",
        { versions: [v({ verificationMethods: [{ fragment: "key-1", publicKey: "AB==" }] })] },
        /publicKey/,
      ],
      ["broken content", { versions: [v({ authentication: [] })] }, /did\.no_authentication/],
      ["a first version other than 1", { versions: [v({ version: 2 })] }, /must be version 1/],
      ["a version 1 updated after creation", { versions: [v({ updated: { height: "9", timeMs: "9" } })] }, /updated/],
      ["a gap in the versions", { versions: [aliceVersions[0], aliceVersions[2]] }, /expected version 2/],
      ["versions of one DID apart", { versions: [aliceVersions[0], orgV1, aliceVersions[1]] }, /must be consecutive/],
      [
        "a version after deactivation",
        { versions: [orgV1, v({ version: 2, deactivated: true }), v({ version: 3 })] },
        /deactivated at version 2/,
      ],
      ["a changed kind", { versions: [orgV1, v({ version: 2, kind: "person" })] }, /kind of a DID never changes/],
      [
        "a changed creation",
        { versions: [orgV1, v({ version: 2, created: { height: "2", timeMs: "0" } })] },
        /same in every version/,
      ],
      [
        "a controller outside the section",
        { versions: [aliceVersions[0], aliceVersions[1]] },
        /not a DID of the section/,
      ],
      ["a non-boolean deactivated", { versions: [v({ deactivated: "no" as never })] }, /deactivated/],
      [
        "a height beyond u64",
        { versions: [v({ created: { height: "18446744073709551616", timeMs: "0" } })] },
        /height/,
      ],
    ];
    for (const [name, json, re] of cases) it(name, () => failsGenesis(json, re));
  });
});
