/**
 * Property tests of the validator module: random sequences of add, remove,
 * set-power and parameter changes over several blocks, run through the
 * handlers as the governance authority (who may send them at all is the App's
 * check, tested in app.test.ts), against a plain-Map model. Checked after
 * every step: the outcome is the model's, a refusal changes nothing, the set
 * is never empty and the block never moves more than 1/3 of its start power;
 * at every block end the update list applied to the block-start set gives the
 * stored set, and the invariants hold.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addValidatorMsg,
  type ChangeFraction,
  formatChangeFraction,
  GOVERNANCE_ADDRESS,
  MAX_TOTAL_VOTING_POWER,
  type Msg,
  publicKeyOf,
  removeValidatorMsg,
  setValidatorPowerMsg,
  toHex,
  UrbisError,
  updateValidatorParamsMsg,
  validatorKeyToBase64,
} from "@urbis/protocol";
import fc from "fast-check";
import type { TxContext } from "../../framework/context.js";
import { MemoryStore } from "../../framework/store.js";
import { validatorModule } from "./module.js";

const KEYS = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => publicKeyOf(new Uint8Array(32).fill(n)));
const hex = (i: number) => toHex(KEYS[i]!);

type Op =
  | { kind: "add"; key: number; power: bigint }
  | { kind: "remove"; key: number }
  | { kind: "set"; key: number; power: bigint }
  | { kind: "params"; fraction: ChangeFraction }
  | { kind: "end" };

const keyIdx = fc.integer({ min: 0, max: KEYS.length - 1 });
const power = fc.oneof(
  { weight: 12, arbitrary: fc.bigInt({ min: 1n, max: 200n }) },
  { weight: 1, arbitrary: fc.constantFrom(0n, MAX_TOTAL_VOTING_POWER, MAX_TOTAL_VOTING_POWER + 1n) },
);
/** Mostly fractions from 1/20 to 1/3, sometimes invalid ones (0, above 1/3, denominator 0). */
const fraction: fc.Arbitrary<ChangeFraction> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ numerator: fc.constant(1n), denominator: fc.bigInt({ min: 3n, max: 20n }) }) },
  {
    weight: 1,
    arbitrary: fc.record({ numerator: fc.bigInt({ min: 0n, max: 5n }), denominator: fc.bigInt({ min: 0n, max: 12n }) }),
  },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("add" as const), key: keyIdx, power }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("remove" as const), key: keyIdx }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("set" as const), key: keyIdx, power }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("params" as const), fraction }) },
  { weight: 1, arbitrary: fc.constant({ kind: "end" as const }) },
);
const genesisSet = fc
  .uniqueArray(keyIdx, { minLength: 1, maxLength: 5 })
  .chain((ks) =>
    fc.tuple(
      fc.constant(ks),
      fc.array(fc.bigInt({ min: 1n, max: 400n }), { minLength: ks.length, maxLength: ks.length }),
    ),
  );

function toMsg(o: Exclude<Op, { kind: "end" }>): Msg {
  if (o.kind === "params") return updateValidatorParamsMsg.wrap({ maxChangeFraction: o.fraction });
  const publicKey = KEYS[o.key]!;
  switch (o.kind) {
    case "add":
      return addValidatorMsg.wrap({ name: `Org ${o.key}`, publicKey, power: o.power });
    case "remove":
      return removeValidatorMsg.wrap({ publicKey });
    case "set":
      return setValidatorPowerMsg.wrap({ publicKey, power: o.power });
  }
}

/** The set as a plain Map (hex key → power), predicting each outcome. */
class Model {
  start: Map<string, bigint>;
  fraction: ChangeFraction = { numerator: 1n, denominator: 3n };
  constructor(public set: Map<string, bigint>) {
    this.start = new Map(set);
  }
  total(m = this.set): bigint {
    let t = 0n;
    for (const p of m.values()) t += p;
    return t;
  }
  changedWith(k: string, p: bigint): bigint {
    const next = new Map(this.set);
    if (p === 0n) next.delete(k);
    else next.set(k, p);
    let changed = 0n;
    for (const key of new Set([...this.start.keys(), ...next.keys()])) {
      const d = (next.get(key) ?? 0n) - (this.start.get(key) ?? 0n);
      changed += d < 0n ? -d : d;
    }
    return changed;
  }
  /** Predicts the outcome (an error id or "ok") and applies it when "ok". */
  step(o: Exclude<Op, { kind: "end" }>): string {
    if (o.kind === "params") {
      const { numerator: n, denominator: d } = o.fraction;
      if (n === 0n || d === 0n || 3n * n > d) return "validator.invalid_params";
      this.fraction = o.fraction;
      return "ok";
    }
    const k = hex(o.key);
    const cur = this.set.get(k);
    if (o.kind !== "remove" && (o.power <= 0n || o.power > MAX_TOTAL_VOTING_POWER)) return "validator.invalid_power";
    if (o.kind === "add" && cur !== undefined) return "validator.validator_exists";
    if (o.kind !== "add" && cur === undefined) return "validator.unknown_validator";
    if (o.kind === "set" && cur === o.power) return "validator.power_unchanged";
    const newPower = o.kind === "remove" ? 0n : o.power;
    const newTotal = this.total() - (cur ?? 0n) + newPower;
    if (newTotal === 0n) return "validator.last_validator";
    if (newTotal > MAX_TOTAL_VOTING_POWER) return "validator.total_power_too_large";
    const { numerator: n, denominator: d } = this.fraction;
    if (this.changedWith(k, newPower) * d > this.total(this.start) * n) return "validator.change_too_large";
    if (newPower === 0n) this.set.delete(k);
    else this.set.set(k, newPower);
    return "ok";
  }
  endBlock(): void {
    this.start = new Map(this.set);
  }
}

describe("validator properties", () => {
  it("random add/remove/set-power sequences keep every rule, and the updates replay the set", () => {
    fc.assert(
      fc.property(genesisSet, fc.array(op, { minLength: 1, maxLength: 40 }), ([ks, powers], ops) => {
        const mod = validatorModule();
        const keeper = mod.keeper;
        const store = new MemoryStore();
        const block = { chainId: "test", height: 1n, timeMs: 0n };
        const ctx = { block, store, emit: () => {} };
        mod.genesis.init(
          ctx,
          mod.genesis.parse({
            validators: ks.map((k, i) => ({
              name: `Org ${k}`,
              publicKey: validatorKeyToBase64(KEYS[k]!),
              power: powers[i]!.toString(),
            })),
          }),
        );
        const model = new Model(new Map(ks.map((k, i) => [hex(k), powers[i]!])));
        const handlers = new Map(mod.messages.map((h) => [h.msg.type, h]));
        const stored = () => new Map(keeper.validators(store).map((v) => [toHex(v.publicKey), v.power]));
        const dump = () => [...store.iterate()].map(([k, v]) => `${toHex(k)}=${toHex(v)}`);
        /** What CometBFT would hold: the block-start set with each block's updates applied. */
        const comet = new Map(model.set);

        const endBlock = () => {
          const updates = mod.validatorUpdates!(ctx);
          const hexes = updates.map((u) => toHex(u.publicKey));
          assert.deepEqual(hexes, [...hexes].sort(), "updates sorted by key bytes");
          assert.equal(new Set(hexes).size, hexes.length, "one update per key");
          for (const u of updates) {
            const k = toHex(u.publicKey);
            // CometBFT refuses removing a key it does not know and no-op updates are never sent.
            if (u.power === 0n) assert.ok(comet.has(k), "removal of a known validator");
            assert.notEqual(comet.get(k) ?? 0n, u.power, "no no-op update");
            if (u.power === 0n) comet.delete(k);
            else comet.set(k, u.power);
          }
          assert.deepEqual(comet, stored(), "updates applied to the block-start set give the stored set");
          model.endBlock();
          for (const inv of mod.invariants) assert.equal(inv.check(ctx), undefined, inv.name);
          block.height += 1n;
        };

        for (const o of ops) {
          if (o.kind === "end") {
            endBlock();
            continue;
          }
          const before = dump();
          const expected = model.step(o);
          let got = "ok";
          const msg = toMsg(o);
          const h = handlers.get(msg.type)!;
          const tctx: TxContext = { block, store, signer: GOVERNANCE_ADDRESS, txHash: "proposal/1", emit: () => {} };
          try {
            const v = h.msg.unwrap(msg);
            h.validate(v);
            h.handle(tctx, v);
          } catch (e) {
            if (!(e instanceof UrbisError)) throw e;
            got = e.id;
          }
          assert.equal(
            got,
            expected,
            JSON.stringify(o, (_, v) => (typeof v === "bigint" ? `${v}` : v)),
          );
          if (got !== "ok") assert.deepEqual(dump(), before, "a refusal changes nothing");
          assert.deepEqual(stored(), model.set);
          assert.ok(keeper.validators(store).length > 0, "the set is never empty");
          const { startTotal, changed } = keeper.blockChange(store);
          // Every change was checked against a fraction of at most 1/3, whatever it is now.
          assert.ok(3n * changed <= startTotal, `changed ${changed} of ${startTotal}`);
          assert.equal(
            formatChangeFraction(keeper.params(store).maxChangeFraction),
            formatChangeFraction(model.fraction),
          );
          assert.equal(startTotal, model.total(model.start));
        }
        endBlock();
      }),
      { numRuns: 200 },
    );
  });
});
