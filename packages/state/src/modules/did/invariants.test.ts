/** The DID invariants hold after real changes and catch each kind of corrupted state. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  createDidMessage,
  type DidRecord,
  deactivateDidMessage,
  decode,
  didDocumentKey,
  didHistoryKey,
  didOf,
  didRecordCodec,
  encode,
  updateDidMessage,
  utf8,
} from "@urbis/protocol";
import { setup, testPair } from "./testing.js";

const [ALICE, ORG, OTHER] = [1, 2, 3].map(testPair) as [
  ReturnType<typeof testPair>,
  ReturnType<typeof testPair>,
  ReturnType<typeof testPair>,
];
const alice = didOf(ALICE.publicKey);
const org = didOf(ORG.publicKey);

function world() {
  const t = setup();
  t.run(ORG.publicKey, createDidMessage({ kind: "organization", publicKey: ORG.publicKey }));
  t.run(ALICE.publicKey, createDidMessage({ kind: "person", publicKey: ALICE.publicKey }));
  t.next();
  t.run(
    ALICE.publicKey,
    updateDidMessage(alice, 1, {
      controllers: [org],
      verificationMethods: [{ fragment: "key-1", publicKey: ALICE.publicKey }],
      authentication: ["key-1"],
      assertionMethod: [],
      keyAgreement: [],
      services: [],
    }),
  );
  const broken = () =>
    t.mod.invariants.flatMap((inv) => {
      const why = inv.check({ block: t.block(), store: t.store, emit: () => {} });
      return why === undefined ? [] : [`${inv.name}: ${why}`];
    });
  const put = (key: Uint8Array, r: DidRecord) => t.store.set(key, encode(didRecordCodec, r));
  const current = () => decode(didRecordCodec, t.store.get(didDocumentKey(alice))!);
  return { ...t, broken, put, current };
}

describe("did invariants", () => {
  it("hold after creates, updates and deactivation", () => {
    const w = world();
    assert.deepEqual(w.broken(), []);
    w.run(ORG.publicKey, deactivateDidMessage(alice));
    assert.deepEqual(w.broken(), []);
  });

  const corruptions: [string, (w: ReturnType<typeof world>) => void, RegExp][] = [
    [
      "a missing history version",
      (w) => w.store.delete(didHistoryKey(alice, 1)),
      /history_complete: .*version 2 where 1/,
    ],
    [
      "a current record that is not the latest version",
      (w) => w.put(didDocumentKey(alice), { ...w.current(), assertionMethod: ["key-1"] }),
      /history_complete: .*not its latest version/,
    ],
    ["a history without a current record", (w) => w.store.delete(didDocumentKey(alice)), /no current record/],
    [
      "a current record without history",
      (w) => {
        w.store.delete(didHistoryKey(org, 1));
      },
      /history_complete: .*has no history/,
    ],
    [
      "a version recorded under another number",
      (w) => w.put(didHistoryKey(alice, 1), { ...w.current() }),
      /history_complete: .*version 1 holds/,
    ],
    [
      "a deactivated version before the last",
      (w) => {
        const v1 = decode(didRecordCodec, w.store.get(didHistoryKey(alice, 1))!);
        w.put(didHistoryKey(alice, 1), { ...v1, deactivated: true });
      },
      /deactivated but not last/,
    ],
    [
      "a changed creation",
      (w) => {
        const r = { ...w.current(), created: { height: 99n, timeMs: 0n } };
        w.put(didHistoryKey(alice, 2), r);
        w.put(didDocumentKey(alice), r);
      },
      /created changed/,
    ],
    [
      "content breaking the rules",
      (w) => {
        const r = { ...w.current(), authentication: [] };
        w.put(didHistoryKey(alice, 2), r);
        w.put(didDocumentKey(alice), r);
      },
      /well_formed: .*authentication/,
    ],
    [
      "a DID not derived from its initial key",
      (w) => {
        const v1 = decode(didRecordCodec, w.store.get(didHistoryKey(alice, 1))!);
        w.put(didHistoryKey(alice, 1), {
          ...v1,
          verificationMethods: [{ fragment: "key-1", publicKey: OTHER.publicKey }],
        });
      },
      /well_formed: .*initial key/,
    ],
    [
      "an unregistered controller",
      (w) => {
        w.store.delete(didDocumentKey(org));
        w.store.delete(didHistoryKey(org, 1));
      },
      /controllers_registered: .*unregistered controller/,
    ],
    ["a malformed history key", (w) => w.store.set(utf8("did/hist/x"), new Uint8Array(1)), /malformed history key/],
  ];
  for (const [name, corrupt, re] of corruptions) {
    it(`catch ${name}`, () => {
      const w = world();
      corrupt(w);
      const broken = w.broken();
      assert.ok(
        broken.some((b) => re.test(b)),
        `expected ${re}, got ${JSON.stringify(broken)}`,
      );
    });
  }
});
