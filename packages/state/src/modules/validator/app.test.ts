/**
 * The validator module through UrbisApp with real signed transactions:
 * InitChain hands over the genesis set; only the governance authority may send
 * validator messages (an account signing one directly gets
 * `app.governance_only`); run as governance (through the test-only `testgov`
 * stand-in for an executing proposal), a `validator/add` in a block comes out
 * as FinalizeBlock's validatorUpdates, refusals carry their code and leave the
 * validator state alone, and a failed transaction takes its pending changes
 * with it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addressOf,
  addValidatorMsg,
  bytesEqual,
  encodeTx,
  fromUtf8,
  GOVERNANCE_ADDRESS,
  hasPrefix,
  type Msg,
  prefixEnd,
  publicKeyOf,
  removeValidatorMsg,
  setValidatorPowerMsg,
  signTx,
  toHex,
  UrbisError,
  updateValidatorParamsMsg,
  utf8,
  validatorKeyToBase64,
} from "@urbis/protocol";
import fc from "fast-check";
import { UrbisApp } from "../../app/app.js";
import { CheckTxType, type ValidatorUpdate } from "../../app/types.js";
import type { TxContext } from "../../framework/context.js";
import { MemoryStore } from "../../framework/store.js";
import { TestCommitStore } from "../../testing/commit-store.js";
import { execAsGovernance, testGovernanceModule } from "../../testing/governance.js";
import { authModule } from "../auth/module.js";
import { buildValidatorGenesis } from "./genesis.js";
import { validatorModule } from "./module.js";

const CHAIN = "urbis-validator-test";
const GENESIS_MS = 1_700_000_000_000n;

interface Key {
  sk: Uint8Array;
  pk: Uint8Array;
  addr: string;
}
function account(n: number): Key {
  const sk = new Uint8Array(32).fill(n);
  const pk = publicKeyOf(sk);
  return { sk, pk, addr: addressOf(pk) };
}
/** Any account: it only carries the governance stand-in's wrapper message. */
const proposer = account(1);
const mallory = account(2);
/** Consensus keys (distinct from account keys). */
const vkey = (n: number) => publicKeyOf(new Uint8Array(32).fill(100 + n));
const [V1, V2, V3, V4, V5, V6] = [1, 2, 3, 4, 5, 6].map(vkey) as Uint8Array[] as [
  Uint8Array,
  Uint8Array,
  Uint8Array,
  Uint8Array,
  Uint8Array,
  Uint8Array,
];

function tx(k: Key, sequence: bigint, messages: Msg[]): Uint8Array {
  return encodeTx(
    signTx(
      { chainId: CHAIN, signer: k.addr, publicKey: k.pk, sequence, messages, memo: "", expiresAtHeight: undefined },
      k.sk,
    ),
  );
}

/** A transaction by `k` whose messages run as the governance authority. */
function govTx(k: Key, sequence: bigint, messages: Msg[]): Uint8Array {
  return tx(k, sequence, [execAsGovernance(messages)]);
}

const byKey = (us: ValidatorUpdate[]) => us.map((u) => [toHex(u.publicKey), u.power] as const);
const sorted = (pairs: (readonly [Uint8Array, bigint])[]) =>
  pairs.map(([k, p]) => [toHex(k), p] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));

/** A chain whose genesis set is `genesisSet` (default: V1..V4 at power 100 each). */
function newChain(
  genesisSet: { name: string; publicKey: Uint8Array; power: bigint }[] = [V1, V2, V3, V4].map((publicKey, i) => ({
    name: `Org ${i + 1}`,
    publicKey,
    power: 100n,
  })),
) {
  const store = new TestCommitStore();
  const app = new UrbisApp({
    store,
    modules: [authModule(), validatorModule(), testGovernanceModule()],
    invariantPeriod: 1,
  });
  const init = app.initChain({
    chainId: CHAIN,
    timeMs: GENESIS_MS,
    initialHeight: 1n,
    appState: {
      validator: buildValidatorGenesis({ validators: genesisSet }),
    },
  });
  let height = 0n;
  return {
    app,
    init,
    async block(txs: Uint8Array[]) {
      height += 1n;
      const res = app.finalizeBlock({ txs, height, timeMs: GENESIS_MS + height * 1000n });
      await app.commit();
      return res;
    },
    query(path: string): any {
      const r = app.query({ path, data: new Uint8Array(0), height: 0n, prove: false });
      assert.equal(r.code, 0, r.log);
      return JSON.parse(fromUtf8(r.value));
    },
    /** Every committed validator key and value, as hex. */
    validatorState(): string[] {
      const p = utf8("validator/");
      const out: string[] = [];
      for (const [k, v] of store.latest().iterate(p, prefixEnd(p))) {
        if (hasPrefix(k, p)) out.push(`${toHex(k)}=${toHex(v)}`);
      }
      return out;
    },
  };
}

describe("validator module in UrbisApp", () => {
  it("InitChain returns the genesis set, sorted by key bytes", () => {
    const c = newChain();
    assert.deepEqual(byKey(c.init.validators), sorted([V1, V2, V3, V4].map((k) => [k, 100n] as const)));
  });

  it("a validator/add in a block yields FinalizeBlock validatorUpdates with its key and power", async () => {
    const c = newChain();
    const t = govTx(proposer, 0n, [addValidatorMsg.wrap({ name: "Harbour", publicKey: V5, power: 120n })]);
    assert.equal(c.app.checkTx({ tx: t, type: CheckTxType.New }).code, 0);
    const res = await c.block([t]);
    assert.equal(res.txResults[0]?.code, 0, res.txResults[0]?.log);
    assert.equal(res.txResults[0]?.events[0]?.type, "validator.added");
    assert.equal(res.validatorUpdates.length, 1);
    assert.ok(bytesEqual(res.validatorUpdates[0]!.publicKey, V5));
    assert.equal(res.validatorUpdates[0]!.power, 120n);

    const q = c.query("/validator/validators");
    assert.equal(q.totalPower, "520");
    const added = q.validators.find((v: any) => v.publicKey === validatorKeyToBase64(V5));
    assert.equal(added.power, "120");
    assert.equal(added.effectiveHeight, "3"); // changed in block 1, CometBFT signs with it from block 3

    // The next block has no changes: nothing pending is left over.
    const empty = await c.block([]);
    assert.deepEqual(empty.validatorUpdates, []);

    // Removal and re-weighting in one block come out as power 0 and the new power.
    const res3 = await c.block([
      govTx(proposer, 1n, [
        removeValidatorMsg.wrap({ publicKey: V2 }),
        setValidatorPowerMsg.wrap({ publicKey: V5, power: 150n }),
      ]),
    ]);
    assert.equal(res3.txResults[0]?.code, 0, res3.txResults[0]?.log);
    assert.deepEqual(
      byKey(res3.validatorUpdates),
      sorted([
        [V2, 0n],
        [V5, 150n],
      ]),
    );
  });

  it("refusals carry their code and leave the validator state alone; a failed transaction drops its changes", async () => {
    const c = newChain();
    const before = c.validatorState();
    const byMallory = tx(mallory, 0n, [addValidatorMsg.wrap({ name: "Evil", publicKey: V6, power: 1n })]);
    const checked = c.app.checkTx({ tx: byMallory, type: CheckTxType.New });
    assert.deepEqual([checked.codespace, checked.code], ["app", 7]);
    // One transaction adds V5; another's first message would fit but its second breaks the 1/3 rule:
    // the whole transaction reverts, pending changes included.
    const res = await c.block([
      byMallory,
      govTx(proposer, 0n, [addValidatorMsg.wrap({ name: "Harbour", publicKey: V5, power: 100n })]),
      govTx(proposer, 1n, [
        setValidatorPowerMsg.wrap({ publicKey: V1, power: 110n }),
        addValidatorMsg.wrap({ name: "Too much", publicKey: V6, power: 30n }),
      ]),
      govTx(proposer, 2n, [removeValidatorMsg.wrap({ publicKey: V6 })]),
    ]);
    assert.deepEqual(
      res.txResults.map((r) => [r.codespace, r.code]),
      [
        ["app", 7], // governance_only: signed by an account, not run by a proposal
        ["", 0],
        ["validator", 9], // change_too_large: 100 + 10 + 30 > 400 / 3
        ["validator", 5], // unknown_validator
      ],
    );
    assert.deepEqual(byKey(res.validatorUpdates), sorted([[V5, 100n]]));
    const q = c.query("/validator/validators");
    assert.equal(q.totalPower, "500");
    assert.equal(q.validators.find((v: any) => v.publicKey === validatorKeyToBase64(V1)).power, "100");

    // A block of refusals only: validator state (and so its part of the app hash) is unchanged.
    const mid = c.validatorState();
    assert.notDeepEqual(mid, before);
    const res2 = await c.block([govTx(proposer, 3n, [removeValidatorMsg.wrap({ publicKey: V6 })])]);
    assert.deepEqual([res2.txResults[0]?.codespace, res2.txResults[0]?.code], ["validator", 5]);
    assert.deepEqual(res2.validatorUpdates, []);
    assert.deepEqual(c.validatorState(), mid);
  });

  it("refuses every validator message signed directly by an account with app.governance_only, changing nothing", async () => {
    const c = newChain();
    await c.block([]); // commits the genesis state
    const before = c.validatorState();
    assert.notDeepEqual(before, []);
    const direct = [
      addValidatorMsg.wrap({ name: "Harbour", publicKey: V5, power: 10n }),
      removeValidatorMsg.wrap({ publicKey: V1 }),
      setValidatorPowerMsg.wrap({ publicKey: V1, power: 110n }),
      updateValidatorParamsMsg.wrap({ maxChangeFraction: { numerator: 1n, denominator: 10n } }),
    ];
    // The permission is checked before decoding and validation: even a malformed message is refused for it.
    const malformed: Msg = { type: "validator/add", value: new Uint8Array([1]) };
    for (const m of [...direct, malformed]) {
      // A refused CheckTx does not advance the sequence, so each is checked at sequence 0.
      const r = c.app.checkTx({ tx: tx(mallory, 0n, [m]), type: CheckTxType.New });
      assert.deepEqual([r.codespace, r.code], ["app", 7], r.log);
    }
    // In a block every included transaction advances its signer's sequence, failed or not.
    const txs = [...direct, malformed].map((m, i) => tx(i % 2 === 0 ? proposer : mallory, BigInt(i >> 1), [m]));
    const res = await c.block(txs);
    assert.deepEqual(
      res.txResults.map((r) => [r.codespace, r.code]),
      txs.map(() => ["app", 7]),
    );
    assert.match(res.txResults[0]!.log, /only an executing governance proposal/);
    assert.deepEqual(res.validatorUpdates, []);
    assert.deepEqual(c.validatorState(), before);
    assert.deepEqual(c.query("/validator/params"), { maxChangeFraction: "1/3" });
  });

  it("validator/update_params run by governance changes the block change rule from that block on", async () => {
    const c = newChain();
    const tenth = updateValidatorParamsMsg.wrap({ maxChangeFraction: { numerator: 1n, denominator: 10n } });
    const half = updateValidatorParamsMsg.wrap({ maxChangeFraction: { numerator: 1n, denominator: 2n } });
    const res = await c.block([
      govTx(proposer, 0n, [half]),
      govTx(proposer, 1n, [tenth, addValidatorMsg.wrap({ name: "Harbour", publicKey: V5, power: 41n })]),
      govTx(proposer, 2n, [tenth]),
      govTx(proposer, 3n, [addValidatorMsg.wrap({ name: "Harbour", publicKey: V5, power: 41n })]),
      govTx(proposer, 4n, [addValidatorMsg.wrap({ name: "Harbour", publicKey: V5, power: 40n })]),
    ]);
    assert.deepEqual(
      res.txResults.map((r) => [r.codespace, r.code]),
      [
        ["validator", 11], // invalid_params: 1/2 is above 1/3
        ["validator", 9], // the new 1/10 binds the add after it in the same proposal: all reverted
        ["", 0],
        ["validator", 9], // 41 > 400 / 10
        ["", 0],
      ],
    );
    const ev = res.txResults[2]!.events;
    assert.equal(ev[0]?.type, "validator.params_updated");
    assert.deepEqual(c.query("/validator/params"), { maxChangeFraction: "1/10" });
    assert.deepEqual(byKey(res.validatorUpdates), sorted([[V5, 40n]]));
  });

  it("is deterministic: the same blocks give the same app hashes and updates", async () => {
    const run = async () => {
      const c = newChain();
      const out: string[] = [toHex(c.init.appHash)];
      const blocks = [
        [govTx(proposer, 0n, [addValidatorMsg.wrap({ name: "A", publicKey: V5, power: 50n })])],
        [govTx(proposer, 1n, [removeValidatorMsg.wrap({ publicKey: V3 })])],
        [],
      ];
      for (const b of blocks) {
        const r = await c.block(b);
        out.push(
          toHex(r.appHash),
          JSON.stringify(byKey(r.validatorUpdates), (_, v) => String(v)),
        );
      }
      return out;
    };
    assert.deepEqual(await run(), await run());
  });

  it("property: through the App, governance runs exactly the module's rules and direct signers are always refused", async () => {
    type Op = { via: "governance" | "direct"; msg: Msg } | "end";
    const keys = [V1, V2, V3, V4, V5, V6];
    const keyIdx = fc.integer({ min: 0, max: keys.length - 1 });
    const power = fc.oneof(
      { weight: 8, arbitrary: fc.bigInt({ min: 1n, max: 150n }) },
      { weight: 1, arbitrary: fc.constant(0n) },
    );
    const msg: fc.Arbitrary<Msg> = fc.oneof(
      keyIdx.chain((k) => power.map((p) => addValidatorMsg.wrap({ name: `Org ${k}`, publicKey: keys[k]!, power: p }))),
      keyIdx.map((k) => removeValidatorMsg.wrap({ publicKey: keys[k]! })),
      keyIdx.chain((k) => power.map((p) => setValidatorPowerMsg.wrap({ publicKey: keys[k]!, power: p }))),
      fc
        .tuple(fc.bigInt({ min: 0n, max: 3n }), fc.bigInt({ min: 0n, max: 12n }))
        .map(([numerator, denominator]) =>
          updateValidatorParamsMsg.wrap({ maxChangeFraction: { numerator, denominator } }),
        ),
    );
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 6, arbitrary: msg.map((m) => ({ via: "governance" as const, msg: m })) },
      { weight: 2, arbitrary: msg.map((m) => ({ via: "direct" as const, msg: m })) },
      { weight: 2, arbitrary: fc.constant("end" as const) },
    );
    const genesis = fc
      .uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 })
      .chain((ks) =>
        fc.tuple(
          fc.constant(ks),
          fc.array(fc.bigInt({ min: 1n, max: 300n }), { minLength: ks.length, maxLength: ks.length }),
        ),
      );
    await fc.assert(
      fc.asyncProperty(genesis, fc.array(op, { minLength: 1, maxLength: 25 }), async ([ks, powers], ops) => {
        const set = ks.map((k, i) => ({ name: `Org ${k}`, publicKey: keys[k]!, power: powers[i]! }));
        const c = newChain(set);
        // The shadow: the module alone on a plain store, its handlers run as the governance authority.
        const shadow = validatorModule();
        const store = new MemoryStore();
        const block = { chainId: CHAIN, height: 1n, timeMs: 0n };
        const sctx = { block, store, emit: () => {} };
        shadow.genesis.init(sctx, shadow.genesis.parse(buildValidatorGenesis({ validators: set })));
        const handlers = new Map(shadow.messages.map((h) => [h.msg.type, h]));
        const shadowRun = (m: Msg): [string, number] => {
          const h = handlers.get(m.type)!;
          const tctx: TxContext = { block, store, signer: GOVERNANCE_ADDRESS, txHash: "x", emit: () => {} };
          try {
            const v = h.msg.unwrap(m);
            h.validate(v);
            h.handle(tctx, v);
            return ["", 0];
          } catch (e) {
            if (!(e instanceof UrbisError)) throw e;
            return [e.codespace, e.code];
          }
        };
        const shadowState = () => [...store.iterate()].map(([k, v]) => `${toHex(k)}=${toHex(v)}`);
        const seq = { governance: 0n, direct: 0n };
        let txs: Uint8Array[] = [];
        let expected: [string, number][] = [];
        const endBlock = async () => {
          const res = await c.block(txs);
          assert.deepEqual(
            res.txResults.map((r) => [r.codespace, r.code]),
            expected,
          );
          assert.deepEqual(byKey(res.validatorUpdates), byKey(shadow.validatorUpdates!(sctx)));
          // Byte for byte: the committed validator state is the shadow's, pending changes cleared in both.
          assert.deepEqual(c.validatorState(), shadowState());
          txs = [];
          expected = [];
          block.height += 1n;
        };
        for (const o of ops) {
          if (o === "end") {
            await endBlock();
            continue;
          }
          if (o.via === "direct") {
            txs.push(tx(mallory, seq.direct++, [o.msg]));
            expected.push(["app", 7]);
          } else {
            txs.push(govTx(proposer, seq.governance++, [o.msg]));
            expected.push(shadowRun(o.msg));
          }
        }
        await endBlock();
      }),
      { numRuns: 100 },
    );
  });
});
