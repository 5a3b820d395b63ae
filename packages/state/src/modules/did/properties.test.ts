/**
 * Property test of the DID module: random sequences of updates (key
 * rotations, hand-overs to an organization and back, stale versions, wrong
 * signers) and deactivations across blocks, against a plain model. After
 * every step the outcome is the model's and a refusal changes nothing; at the
 * end the history holds exactly versions 1..n, consecutive, each as the model
 * recorded it, every version resolves by number and by its own time, and the
 * invariants hold.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  bytesEqual,
  createDidMessage,
  type DidContent,
  DidErrors,
  type DidResolutionResultJson,
  deactivateDidMessage,
  didOf,
  ed25519ToMultibase,
  formatDidTime,
  type Msg,
  toHex,
  UrbisError,
  updateDidMessage,
} from "@urbis/protocol";
import fc from "fast-check";
import { setup, testPair } from "./testing.js";

const POOL = [1, 2, 3, 4, 5].map(testPair);
const ORG = testPair(9);
const DID = didOf(POOL[0]!.publicKey);
const ORG_DID = didOf(ORG.publicKey);

type Op =
  | {
      kind: "update";
      signer: number; // index into POOL, or -1 for the organization's key
      versionDelta: number; // 0 = the current version
      methods: number[]; // indexes into POOL
      auth: number; // bitmask over `methods`
      assert: number; // bitmask over `methods`
      handOver: boolean; // controllers = [org]
    }
  | { kind: "deactivate"; signer: number }
  | { kind: "block"; dtMs: number };

const signer = fc.integer({ min: -1, max: POOL.length - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("update" as const),
      signer,
      versionDelta: fc.oneof(
        { weight: 6, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.constantFrom(-1, 1) },
      ),
      methods: fc.uniqueArray(fc.integer({ min: 0, max: POOL.length - 1 }), { minLength: 1, maxLength: 3 }),
      auth: fc.integer({ min: 0, max: 7 }),
      assert: fc.integer({ min: 0, max: 7 }),
      handOver: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("deactivate" as const), signer }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("block" as const), dtMs: fc.integer({ min: 1, max: 2_500 }) }),
  },
);

const keyOf = (i: number) => (i < 0 ? ORG.publicKey : (POOL[i]!.publicKey as Uint8Array));
const pick = (methods: number[], mask: number) => methods.filter((_, j) => (mask >> j) & 1).map((i) => `k${i}`);

function contentOf(o: Extract<Op, { kind: "update" }>): DidContent {
  return {
    controllers: o.handOver ? [ORG_DID] : [],
    verificationMethods: o.methods.map((i) => ({ fragment: `k${i}`, publicKey: keyOf(i) })),
    authentication: pick(o.methods, o.auth),
    assertionMethod: pick(o.methods, o.assert),
    keyAgreement: [],
    services: [],
  };
}

interface ModelVersion {
  content: DidContent;
  timeMs: bigint;
  deactivated: boolean;
}

describe("did properties", () => {
  it("any sequence of updates keeps the history complete and the versions consecutive", () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
        const t = setup();
        t.run(ORG.publicKey, createDidMessage({ kind: "organization", publicKey: ORG.publicKey }));
        t.run(POOL[0]!.publicKey, createDidMessage({ kind: "person", publicKey: POOL[0]!.publicKey }));
        const versions: ModelVersion[] = [
          {
            content: {
              controllers: [],
              verificationMethods: [{ fragment: "key-1", publicKey: POOL[0]!.publicKey }],
              authentication: ["key-1"],
              assertionMethod: ["key-1"],
              keyAgreement: [],
              services: [],
            },
            timeMs: t.block().timeMs,
            deactivated: false,
          },
        ];
        const latest = () => versions[versions.length - 1] as ModelVersion;
        /** Whether the model lets `key` change the DID now. */
        const controls = (key: Uint8Array) => {
          const c = latest().content;
          if (c.controllers.length > 0) return bytesEqual(key, ORG.publicKey);
          const byFragment = new Map(c.verificationMethods.map((m) => [m.fragment, m.publicKey]));
          return c.authentication.some((f) => bytesEqual(byFragment.get(f) as Uint8Array, key));
        };
        const snapshot = () => [...t.store.iterate()].map(([k, v]) => `${toHex(k)}=${toHex(v)}`);
        const attempt = (msg: Msg, key: Uint8Array): UrbisError | undefined => {
          const before = snapshot();
          try {
            t.run(key, msg);
            return undefined;
          } catch (e) {
            if (!(e instanceof UrbisError)) throw e;
            assert.deepEqual(snapshot(), before, `refused with ${e.id} but state changed`);
            return e;
          }
        };

        for (const o of ops) {
          if (o.kind === "block") {
            t.next(BigInt(o.dtMs));
            continue;
          }
          const key = keyOf(o.signer);
          if (o.kind === "deactivate") {
            const err = attempt(deactivateDidMessage(DID), key);
            if (latest().deactivated) assert.ok(DidErrors.deactivated.is(err), String(err));
            else if (!controls(key)) assert.ok(DidErrors.notController.is(err), String(err));
            else {
              assert.equal(err, undefined);
              versions.push({ ...latest(), timeMs: t.block().timeMs, deactivated: true });
            }
            continue;
          }
          const content = contentOf(o);
          const expected = versions.length + o.versionDelta;
          const err = attempt(updateDidMessage(DID, Math.max(expected, 0), content), key);
          if (content.authentication.length === 0) assert.ok(DidErrors.noAuthentication.is(err), String(err));
          else if (latest().deactivated) assert.ok(DidErrors.deactivated.is(err), String(err));
          else if (!controls(key)) assert.ok(DidErrors.notController.is(err), String(err));
          else if (expected !== versions.length) assert.ok(DidErrors.versionMismatch.is(err), String(err));
          else {
            assert.equal(err, undefined);
            versions.push({ content, timeMs: t.block().timeMs, deactivated: false });
          }
        }

        // The history: versions 1..n, consecutive, each as the model recorded it.
        const history = t.keeper.history(t.store, DID, 1, 1000);
        assert.deepEqual(
          history.map((r) => r.version),
          versions.map((_, i) => i + 1),
        );
        history.forEach((r, i) => {
          const m = versions[i] as ModelVersion;
          assert.deepEqual(
            {
              controllers: r.controllers,
              verificationMethods: r.verificationMethods,
              authentication: r.authentication,
              assertionMethod: r.assertionMethod,
              keyAgreement: r.keyAgreement,
              services: r.services,
            },
            m.content,
          );
          assert.equal(r.updated.timeMs, m.timeMs);
          assert.equal(r.deactivated, m.deactivated);
        });
        assert.deepEqual(t.keeper.require(t.store, DID), history[history.length - 1]);

        // Every version resolves by number, and by its own time to the last version of that second.
        const resolve = t.mod.queries.find((q) => q.path === "did/resolve")!;
        const ctx = { block: t.block(), store: t.store, emit: () => {} };
        versions.forEach((m, i) => {
          const byId = resolve.handle(ctx, {
            did: DID,
            versionId: String(i + 1),
            includeDeactivated: "true",
          }) as DidResolutionResultJson;
          assert.equal(byId.didDocumentMetadata.versionId, String(i + 1));
          if (!m.deactivated) {
            assert.deepEqual(
              byId.didDocument.verificationMethod?.map((v) => v.publicKeyMultibase),
              m.content.verificationMethods.map((v) => ed25519ToMultibase(v.publicKey)),
            );
          }
          assert.equal(byId.didDocumentMetadata.nextVersionId, i + 1 < versions.length ? String(i + 2) : undefined);
          const second = m.timeMs / 1000n;
          const expected = versions.findLastIndex((v) => v.timeMs / 1000n <= second) + 1;
          const byTime = resolve.handle(ctx, {
            did: DID,
            versionTime: formatDidTime(m.timeMs),
            includeDeactivated: "true",
          }) as DidResolutionResultJson;
          assert.equal(byTime.didDocumentMetadata.versionId, String(expected));
        });

        for (const inv of t.mod.invariants) assert.equal(inv.check(ctx), undefined, inv.name);
      }),
      { numRuns: 150 },
    );
  });
});
