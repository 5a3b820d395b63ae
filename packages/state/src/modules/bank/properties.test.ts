import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  burnMsg,
  encodeAddress,
  MAX_U128,
  type Msg,
  mintMsg,
  multiSendMsg,
  sendMsg,
  toHex,
  UrbisError,
} from "@urbis/protocol";
import fc from "fast-check";
import type { TxContext } from "../../framework/context.js";
import { MemoryStore } from "../../framework/store.js";
import { bankModule } from "./module.js";

const ACCOUNTS = [1, 2, 3, 4].map((n) => encodeAddress(new Uint8Array(20).fill(n)));
const [TREASURY, ALICE, BOB] = ACCOUNTS as [string, string, string, string];
const DENOMS = ["urbs", "tok"] as const;
const TOK_CAP = 10_000n;

function fresh() {
  const mod = bankModule();
  const store = new MemoryStore();
  const block = { chainId: "test", height: 1n, timeMs: 0n };
  mod.genesis.init(
    { block, store, emit: () => {} },
    mod.genesis.parse({
      params: { assetCreators: [TREASURY] },
      assets: [
        { denom: "urbs", name: "Urbis Credit", symbol: "URB", decimals: 2, issuer: TREASURY },
        { denom: "tok", name: "Token", symbol: "TOK", decimals: 0, issuer: BOB, maxSupply: TOK_CAP.toString() },
      ],
      balances: [
        { address: ALICE, coins: [{ denom: "urbs", amount: "5000" }] },
        {
          address: BOB,
          coins: [
            { denom: "urbs", amount: "3000" },
            { denom: "tok", amount: "2000" },
          ],
        },
        { address: TREASURY, coins: [{ denom: "urbs", amount: "2000" }] },
      ],
    }),
  );
  const handlers = new Map(mod.messages.map((h) => [h.msg.type, h]));
  /** Runs a message like the App; returns the error id or "ok". */
  const run = (signer: string, msg: Msg): string => {
    const h = handlers.get(msg.type)!;
    const ctx: TxContext = { block, store, signer, txHash: "00", emit: () => {} };
    try {
      const v = h.msg.unwrap(msg);
      h.validate(v);
      h.handle(ctx, v);
      return "ok";
    } catch (e) {
      if (e instanceof UrbisError) return e.id;
      throw e;
    }
  };
  const invariantsHold = () => {
    for (const inv of mod.invariants) {
      const broken = inv.check({ block, store, emit: () => {} });
      assert.equal(broken, undefined, `${inv.name}: ${broken}`);
    }
  };
  return { mod, keeper: mod.keeper, store, block, run, invariantsHold };
}

const account = fc.constantFrom(...ACCOUNTS);
const denom = fc.constantFrom(...DENOMS);
const amount = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: 4000n }) },
  { weight: 1, arbitrary: fc.constantFrom(0n, 1n, MAX_U128, MAX_U128 - 1n) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: MAX_U128 }) },
);
const output = fc.record({ to: account, denom, amount });

type Op =
  | { kind: "send"; from: string; to: string; denom: string; amount: bigint }
  | { kind: "multi"; from: string; outputs: { to: string; denom: string; amount: bigint }[] }
  | { kind: "mint"; by: string; to: string; denom: string; amount: bigint }
  | { kind: "burn"; by: string; denom: string; amount: bigint };

const sendOp = fc.record({ kind: fc.constant("send" as const), from: account, to: account, denom, amount });
const multiOp = fc.record({
  kind: fc.constant("multi" as const),
  from: account,
  outputs: fc.array(output, { minLength: 0, maxLength: 5 }),
});
const mintOp = fc.record({ kind: fc.constant("mint" as const), by: account, to: account, denom, amount });
const burnOp = fc.record({ kind: fc.constant("burn" as const), by: account, denom, amount });

function toMsg(op: Op): [string, Msg] {
  switch (op.kind) {
    case "send":
      return [op.from, sendMsg.wrap({ to: op.to, denom: op.denom, amount: op.amount })];
    case "multi":
      return [op.from, multiSendMsg.wrap({ outputs: op.outputs })];
    case "mint":
      return [op.by, mintMsg.wrap({ denom: op.denom, to: op.to, amount: op.amount })];
    case "burn":
      return [op.by, burnMsg.wrap({ denom: op.denom, amount: op.amount })];
  }
}

/** A plain-Map model of the bank, predicting each outcome. */
class Model {
  bal = new Map<string, bigint>();
  supply = new Map<string, bigint>([
    ["urbs", 10_000n],
    ["tok", 2000n],
  ]);
  issuer: Record<string, string> = { urbs: TREASURY, tok: BOB };
  cap: Record<string, bigint | undefined> = { urbs: undefined, tok: TOK_CAP };
  constructor() {
    this.bal.set(`${ALICE}|urbs`, 5000n);
    this.bal.set(`${BOB}|urbs`, 3000n);
    this.bal.set(`${BOB}|tok`, 2000n);
    this.bal.set(`${TREASURY}|urbs`, 2000n);
  }
  get(a: string, d: string): bigint {
    return this.bal.get(`${a}|${d}`) ?? 0n;
  }
  private put(a: string, d: string, v: bigint): void {
    if (v === 0n) this.bal.delete(`${a}|${d}`);
    else this.bal.set(`${a}|${d}`, v);
  }
  private trySend(from: string, to: string, d: string, x: bigint): string {
    if (x === 0n) return "bank.invalid_amount";
    if (from === to) return "bank.self_send";
    if (this.get(from, d) < x) return "bank.insufficient_funds";
    this.put(from, d, this.get(from, d) - x);
    this.put(to, d, this.get(to, d) + x);
    return "ok";
  }
  apply(op: Op): string {
    switch (op.kind) {
      case "send":
        return this.trySend(op.from, op.to, op.denom, op.amount);
      case "multi": {
        if (op.outputs.length === 0) return "bank.no_outputs";
        const totals = new Map<string, bigint>();
        for (const o of op.outputs) {
          if (o.amount === 0n) return "bank.invalid_amount";
          const t = (totals.get(o.denom) ?? 0n) + o.amount;
          if (t > MAX_U128) return "bank.overflow";
          totals.set(o.denom, t);
        }
        const saved = new Map(this.bal);
        for (const o of op.outputs) {
          const r = this.trySend(op.from, o.to, o.denom, o.amount);
          if (r !== "ok") {
            this.bal = saved;
            return r;
          }
        }
        return "ok";
      }
      case "mint": {
        if (op.amount === 0n) return "bank.invalid_amount";
        if (op.by !== this.issuer[op.denom]) return "bank.not_issuer";
        const s = (this.supply.get(op.denom) ?? 0n) + op.amount;
        if (s > MAX_U128) return "bank.overflow";
        const cap = this.cap[op.denom];
        if (cap !== undefined && s > cap) return "bank.supply_cap_exceeded";
        this.supply.set(op.denom, s);
        this.put(op.to, op.denom, this.get(op.to, op.denom) + op.amount);
        return "ok";
      }
      case "burn": {
        if (op.amount === 0n) return "bank.invalid_amount";
        if (op.by !== this.issuer[op.denom]) return "bank.not_issuer";
        if (this.get(op.by, op.denom) < op.amount) return "bank.insufficient_funds";
        this.supply.set(op.denom, (this.supply.get(op.denom) ?? 0n) - op.amount);
        this.put(op.by, op.denom, this.get(op.by, op.denom) - op.amount);
        return "ok";
      }
    }
  }
}

function totalOf(keeper: ReturnType<typeof fresh>["keeper"], store: MemoryStore, d: string): bigint {
  let sum = 0n;
  for (const a of ACCOUNTS) sum += keeper.balance(store, a, d);
  return sum;
}

describe("bank properties", () => {
  it("random transfers (send and multi_send) preserve every denom's total and supply", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(sendOp, multiOp), { maxLength: 40 }), (ops) => {
        const { keeper, store, run, invariantsHold } = fresh();
        for (const op of ops) {
          const [signer, msg] = toMsg(op);
          run(signer, msg);
          assert.equal(totalOf(keeper, store, "urbs"), 10_000n);
          assert.equal(totalOf(keeper, store, "tok"), 2000n);
          assert.equal(keeper.supply(store, "urbs"), 10_000n);
          assert.equal(keeper.supply(store, "tok"), 2000n);
        }
        invariantsHold();
      }),
      { numRuns: 150 },
    );
  });

  it("every outcome and balance matches a plain model, and the invariants hold, under mints and burns too", () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(fc.oneof(sendOp, multiOp, mintOp, burnOp), { maxLength: 40 }), (ops) => {
        const { keeper, store, run, invariantsHold } = fresh();
        const model = new Model();
        for (const op of ops) {
          const [signer, msg] = toMsg(op);
          const expected = model.apply(op);
          seen.set(expected, (seen.get(expected) ?? 0) + 1);
          assert.equal(
            run(signer, msg),
            expected,
            JSON.stringify(op, (_, v) => (typeof v === "bigint" ? `${v}` : v)),
          );
          for (const d of DENOMS) {
            assert.equal(keeper.supply(store, d), model.supply.get(d));
            assert.equal(totalOf(keeper, store, d), model.supply.get(d));
            for (const a of ACCOUNTS) assert.equal(keeper.balance(store, a, d), model.get(a, d));
          }
        }
        invariantsHold();
      }),
      { numRuns: 150 },
    );
    // The generators reach both successes and every kind of refusal.
    for (const id of ["ok", "bank.insufficient_funds", "bank.not_issuer", "bank.invalid_amount", "bank.self_send"]) {
      assert.ok((seen.get(id) ?? 0) > 0, `no operation ended in ${id}: ${JSON.stringify([...seen])}`);
    }
  });

  it("genesis export then import reproduces the state byte for byte", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(sendOp, multiOp, mintOp, burnOp), { maxLength: 25 }), (ops) => {
        const a = fresh();
        for (const op of ops) a.run(...toMsg(op));
        const exported = a.mod.genesis.export({ block: a.block, store: a.store, emit: () => {} });
        const b = bankModule();
        const store2 = new MemoryStore();
        b.genesis.init(
          { block: a.block, store: store2, emit: () => {} },
          b.genesis.parse(JSON.parse(JSON.stringify(exported))),
        );
        const dump = (s: MemoryStore) => [...s.iterate()].map(([k, v]) => `${toHex(k)}=${toHex(v)}`);
        assert.deepEqual(dump(store2), dump(a.store));
      }),
      { numRuns: 60 },
    );
  });
});
