import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addValidatorMsg,
  cometAddress,
  concatBytes,
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
import type { TxContext } from "../../framework/context.js";
import type { Event } from "../../framework/events.js";
import { MemoryStore } from "../../framework/store.js";
import { VALIDATOR_EVENTS } from "./events.js";
import { validatorModule } from "./module.js";

/** A deterministic, valid validator key. */
const key = (n: number) => publicKeyOf(new Uint8Array(32).fill(n));
const [K1, K2, K3, K4, K5] = [1, 2, 3, 4, 5].map(key) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
const b64 = validatorKeyToBase64;
const HEIGHT = 7n;

type Spec = { name: string; publicKey: Uint8Array; power: bigint }[];
/** Four validators of power 100: a block may change at most 133 (3 · changed ≤ 400). */
const FOUR: Spec = [K1, K2, K3, K4].map((k, i) => ({ name: `Org ${i + 1}`, publicKey: k, power: 100n }));

function setup(validators: Spec = FOUR, maxChangeFraction?: string) {
  const mod = validatorModule();
  const store = new MemoryStore();
  const block = { chainId: "test", height: HEIGHT, timeMs: 0n };
  const ctx = { block, store, emit: () => {} };
  mod.genesis.init(
    { ...ctx, block: { ...block, height: 1n } },
    mod.genesis.parse({
      params: maxChangeFraction ? { maxChangeFraction } : {},
      validators: validators.map((v) => ({ name: v.name, publicKey: b64(v.publicKey), power: v.power.toString() })),
    }),
  );
  const handlers = new Map(mod.messages.map((h) => [h.msg.type, h]));
  /**
   * Runs one wire message as the App would once its permission check passed
   * (unwrap, validate, handle), straight on the store, as the governance
   * authority. The permission check itself is tested in app.test.ts.
   */
  const run = (msg: Msg): Event[] => {
    const h = handlers.get(msg.type);
    assert.ok(h, `no handler for ${msg.type}`);
    const events: Event[] = [];
    const tctx: TxContext = {
      block,
      store,
      signer: GOVERNANCE_ADDRESS,
      txHash: "proposal/1",
      emit: (e) => events.push(e),
    };
    const v = h.msg.unwrap(msg);
    h.validate(v);
    h.handle(tctx, v);
    return events;
  };
  /** Ends the block: the hook's updates, as [base64 key, power]. */
  const endBlock = () => mod.validatorUpdates!(ctx).map((u) => [b64(u.publicKey), u.power] as const);
  const check = () => {
    for (const inv of mod.invariants) assert.equal(inv.check(ctx), undefined, inv.name);
  };
  const query = (path: string) => mod.queries.find((q) => q.path === path)!.handle(ctx, {}) as any;
  return { mod, keeper: mod.keeper, store, ctx, run, endBlock, check, query };
}

function snapshot(store: MemoryStore): string[] {
  return [...store.iterate()].map(([k, v]) => `${toHex(k)}=${toHex(v)}`);
}

const attrs = (e: Event) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value]));
const add = (publicKey: Uint8Array, power: bigint, name = "New Org") =>
  addValidatorMsg.wrap({ name, publicKey, power });
const remove = (publicKey: Uint8Array) => removeValidatorMsg.wrap({ publicKey });
const setPower = (publicKey: Uint8Array, power: bigint) => setValidatorPowerMsg.wrap({ publicKey, power });
const updateParams = (numerator: bigint, denominator: bigint) =>
  updateValidatorParamsMsg.wrap({ maxChangeFraction: { numerator, denominator } });
/** Keys sorted by bytes, as base64. */
const sortedB64 = (...ks: Uint8Array[]) =>
  ks
    .map((k) => [toHex(k), b64(k)] as const)
    .sort()
    .map(([, s]) => s);

describe("validator handlers: success", () => {
  it("validator/add joins the set at once, emits validator.added and yields an update at the end of the block", () => {
    const { keeper, store, run, endBlock, check } = setup();
    const ev = run(add(K5, 133n, "Harbour Authority"));
    assert.equal(keeper.validator(store, K5)?.power, 133n);
    assert.equal(keeper.totalPower(store), 533n);
    assert.equal(ev.length, 1);
    assert.equal(ev[0]?.type, VALIDATOR_EVENTS.added);
    assert.deepEqual(attrs(ev[0]!), {
      name: "Harbour Authority",
      publicKey: b64(K5),
      address: cometAddress(K5),
      power: "133",
      effectiveHeight: String(HEIGHT + 2n),
    });
    assert.deepEqual(keeper.blockChange(store), { startTotal: 400n, changed: 133n });
    assert.deepEqual(endBlock(), [[b64(K5), 133n]]);
    // The pending changes are cleared: the next block starts afresh.
    assert.deepEqual(endBlock(), []);
    assert.deepEqual(keeper.blockChange(store), { startTotal: 533n, changed: 0n });
    check();
  });

  it("validator/remove and validator/set_power yield power 0 and the new power, sorted by key bytes", () => {
    const { keeper, store, run, endBlock, check } = setup();
    const removed = run(remove(K2));
    assert.deepEqual(attrs(removed[0]!), {
      name: "Org 2",
      publicKey: b64(K2),
      address: cometAddress(K2),
      power: "100",
      effectiveHeight: String(HEIGHT + 2n),
    });
    const changed = run(setPower(K4, 120n));
    assert.equal(changed[0]?.type, VALIDATOR_EVENTS.powerChanged);
    assert.deepEqual(attrs(changed[0]!), {
      name: "Org 4",
      publicKey: b64(K4),
      address: cometAddress(K4),
      previousPower: "100",
      power: "120",
      effectiveHeight: String(HEIGHT + 2n),
    });
    assert.equal(keeper.validator(store, K2), undefined);
    assert.equal(keeper.totalPower(store), 320n);
    const updates = endBlock();
    assert.deepEqual(
      updates.map(([k]) => k),
      sortedB64(K2, K4),
    );
    assert.deepEqual(new Map(updates), new Map([[b64(K2), 0n] as const, [b64(K4), 120n] as const]));
    check();
  });

  it("nets changes within a block: add then remove, or a power set back, yields no update", () => {
    const { store, keeper, run, endBlock, check } = setup();
    run(add(K5, 50n));
    run(remove(K5));
    run(setPower(K1, 150n));
    run(setPower(K1, 100n));
    assert.deepEqual(keeper.blockChange(store), { startTotal: 400n, changed: 0n });
    assert.deepEqual(endBlock(), []);
    // A validator removed and re-added within the block yields its net new power.
    run(remove(K3));
    run(add(K3, 110n, "Org 3 again"));
    assert.deepEqual(keeper.blockChange(store), { startTotal: 400n, changed: 10n });
    assert.deepEqual(endBlock(), [[b64(K3), 110n]]);
    check();
  });

  it("allows exactly 1/3 of the block-start power, across several messages", () => {
    const { store, keeper, run, endBlock, check } = setup();
    // 400 total: 3 · 133 = 399 ≤ 400.
    run(setPower(K1, 170n)); // 70
    run(setPower(K2, 50n)); // 50
    run(add(K5, 13n)); // 13
    assert.deepEqual(keeper.blockChange(store), { startTotal: 400n, changed: 133n });
    assert.equal(endBlock().length, 3);
    check();
  });

  it("validator/update_params replaces maxChangeFraction and emits validator.params_updated", () => {
    const { run, query, check, endBlock } = setup();
    const ev = run(updateParams(1n, 10n));
    assert.equal(ev.length, 1);
    assert.equal(ev[0]?.type, VALIDATOR_EVENTS.paramsUpdated);
    assert.deepEqual(attrs(ev[0]!), { previousMaxChangeFraction: "1/3", maxChangeFraction: "1/10" });
    assert.deepEqual(query("validator/params"), { maxChangeFraction: "1/10" });
    // The new fraction governs the same block: 41 of 400 is now too much.
    assert.throws(
      () => run(add(K5, 41n)),
      (e: unknown) => e instanceof UrbisError && e.id === "validator.change_too_large",
    );
    run(add(K5, 40n));
    assert.deepEqual(endBlock(), [[b64(K5), 40n]]);
    check();
  });

  it("declares every message governance-only", () => {
    const { mod } = setup();
    assert.deepEqual(
      mod.messages.map((h) => [h.msg.type, h.permission.kind]),
      [
        ["validator/add", "governance"],
        ["validator/remove", "governance"],
        ["validator/set_power", "governance"],
        ["validator/update_params", "governance"],
      ],
    );
  });

  it("answers the validators and params queries", () => {
    const { query, run } = setup([{ name: "City Hall", publicKey: K1, power: 300n }]);
    run(add(K2, 100n, "Hospital"));
    const q = query("validator/validators");
    assert.equal(q.totalPower, "400");
    assert.equal(q.count, 2);
    const byName = Object.fromEntries(q.validators.map((v: any) => [v.name, v]));
    assert.deepEqual(byName["City Hall"], {
      name: "City Hall",
      publicKey: b64(K1),
      address: cometAddress(K1),
      power: "300",
      effectiveHeight: "1",
    });
    assert.deepEqual(byName.Hospital, {
      name: "Hospital",
      publicKey: b64(K2),
      address: cometAddress(K2),
      power: "100",
      effectiveHeight: String(HEIGHT + 2n),
    });
    assert.deepEqual(
      q.validators.map((v: any) => v.publicKey),
      sortedB64(K1, K2),
    );
    assert.deepEqual(query("validator/params"), { maxChangeFraction: "1/3" });
  });
});

describe("validator handlers: refusals leave state unchanged", () => {
  const identity = new Uint8Array(32);
  identity[0] = 1;
  const offCurve = new Uint8Array(32).fill(0xff);
  const cases: [string, string, Msg, Spec?][] = [
    ["add of a 31-byte key", "validator.invalid_public_key", add(K5.subarray(0, 31), 10n)],
    ["add of a 33-byte key", "validator.invalid_public_key", add(concatBytes(K5, new Uint8Array(1)), 10n)],
    ["add of a small-order point", "validator.invalid_public_key", add(identity, 10n)],
    ["remove of a non-canonical key", "validator.invalid_public_key", remove(offCurve)],
    ["set-power of a malformed key", "validator.invalid_public_key", setPower(new Uint8Array(0), 10n)],
    ["add with power 0", "validator.invalid_power", add(K5, 0n)],
    ["add beyond the maximum power", "validator.invalid_power", add(K5, MAX_TOTAL_VOTING_POWER + 1n)],
    ["set-power to 0 (use remove)", "validator.invalid_power", setPower(K1, 0n)],
    ["add with a padded name", "validator.invalid_name", add(K5, 10n, " Org")],
    ["add with an empty name", "validator.invalid_name", add(K5, 10n, "")],
    ["remove of an unknown key", "validator.unknown_validator", remove(K5)],
    ["set-power of an unknown key", "validator.unknown_validator", setPower(K5, 10n)],
    ["add of a key already in the set", "validator.validator_exists", add(K2, 10n)],
    ["set-power to the current power", "validator.power_unchanged", setPower(K1, 100n)],
    ["add of more than 1/3 of the power", "validator.change_too_large", add(K5, 134n)],
    ["set-power up by more than 1/3", "validator.change_too_large", setPower(K1, 234n)],
    [
      "set-power down by more than 1/3",
      "validator.change_too_large",
      setPower(K1, 1n),
      [
        { name: "A", publicKey: K1, power: 200n },
        { name: "B", publicKey: K2, power: 200n },
      ],
    ],
    [
      "remove of a validator holding more than 1/3",
      "validator.change_too_large",
      remove(K1),
      [
        { name: "A", publicKey: K1, power: 100n },
        { name: "B", publicKey: K2, power: 100n },
      ],
    ],
    ["remove of the last validator", "validator.last_validator", remove(K1), [FOUR[0]!]],
    [
      "add taking the total beyond the maximum",
      "validator.total_power_too_large",
      add(K5, 1n),
      [{ name: "Big", publicKey: K1, power: MAX_TOTAL_VOTING_POWER }],
    ],
    [
      "set-power taking the total beyond the maximum",
      "validator.total_power_too_large",
      setPower(K2, 2n),
      [
        { name: "Big", publicKey: K1, power: MAX_TOTAL_VOTING_POWER - 1n },
        { name: "Small", publicKey: K2, power: 1n },
      ],
    ],
    ["undecodable message bytes", "tx.malformed", { type: "validator/add", value: new Uint8Array([1, 2]) }],
    ["update_params to 1/2", "validator.invalid_params", updateParams(1n, 2n)],
    ["update_params to 0/3", "validator.invalid_params", updateParams(0n, 3n)],
    ["update_params with denominator 0", "validator.invalid_params", updateParams(1n, 0n)],
    [
      "undecodable update_params",
      "tx.malformed",
      { type: "validator/update_params", value: new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]) },
    ],
  ];
  for (const [name, id, msg, spec] of cases) {
    it(`${name}: ${id}`, () => {
      const { store, run, check } = setup(spec);
      const before = snapshot(store);
      assert.throws(
        () => run(msg),
        (e: unknown) => {
          assert.ok(e instanceof UrbisError, String(e));
          assert.equal(e.id, id, e.message);
          return true;
        },
      );
      assert.deepEqual(snapshot(store), before);
      check();
    });
  }

  it("counts every change of the block: a second change past 1/3 is refused, and allowed in the next block", () => {
    const { store, keeper, run, endBlock, check } = setup();
    run(setPower(K1, 170n)); // 70 of 400
    const before = snapshot(store);
    assert.throws(
      () => run(add(K5, 64n)), // 70 + 64 = 134: 3 · 134 > 400
      (e: unknown) => e instanceof UrbisError && e.id === "validator.change_too_large",
    );
    assert.deepEqual(snapshot(store), before);
    // Removal counts the whole power: 70 + 100 > 133.
    assert.throws(
      () => run(remove(K2)),
      (e: unknown) => e instanceof UrbisError && e.id === "validator.change_too_large",
    );
    assert.deepEqual(snapshot(store), before);
    assert.deepEqual(endBlock(), [[b64(K1), 170n]]);
    // Next block: the start total is 470, so 100 and then 56 more fit (3 · 156 = 468 ≤ 470).
    run(remove(K2));
    run(add(K5, 56n));
    assert.deepEqual(keeper.blockChange(store), { startTotal: 470n, changed: 156n });
    assert.equal(endBlock().length, 2);
    check();
  });

  it("honours a smaller maxChangeFraction", () => {
    const { run } = setup(FOUR, "1/10");
    assert.throws(
      () => run(add(K5, 41n)),
      (e: unknown) => e instanceof UrbisError && e.id === "validator.change_too_large",
    );
    run(add(K5, 40n));
  });
});
