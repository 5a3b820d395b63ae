/**
 * Validator genesis. The section is required (on a chain that runs the
 * validator module) and reads:
 *
 * ```json
 * {
 *   "params": { "maxChangeFraction": "1/3" },
 *   "validators": [{ "name": "City Hall", "publicKey": "<base64 of 32 bytes>", "power": "100" }]
 * }
 * ```
 *
 * No one owns the set after genesis: only governance (a passed proposal) may
 * change it, so there is no authority parameter (a document still naming
 * `params.authority` is refused with an explanation). `params` is optional;
 * `maxChangeFraction` ("n/d", optional, default and maximum `1/3`) bounds how
 * much of the block-start total power one block may change. Each key is the validator's Ed25519 public key as CometBFT's
 * `priv_validator_key.json` gives it (`pub_key.value`, padded base64); keys must
 * be valid points of large order and unique; powers are decimal strings,
 * strictly positive, adding up to at most CometBFT's `MaxTotalVotingPower`
 * ((2^63 − 1) / 8). At least one validator is required. The set is handed to
 * CometBFT as InitChain's `validators`, so it replaces genesis.json's.
 *
 * Give powers some room: with the default 1/3 rule a block may change at most
 * a third of the total, so a single validator of power 1 could never be joined
 * by a second one. Powers of 100 or more per validator are a good start.
 * Unknown fields are refused so a typo cannot silently drop state.
 */
import {
  type ChangeFraction,
  DEFAULT_MAX_CHANGE_FRACTION,
  formatChangeFraction,
  isValidatorKey,
  isValidChangeFraction,
  MAX_TOTAL_VOTING_POWER,
  parseChangeFraction,
  UrbisError,
  type ValidatorParams,
  validateValidatorName,
  validatorKeyFromBase64,
  validatorKeyToBase64,
} from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import { JsonReader } from "../../framework/json.js";
import type { GenesisHandler, Json } from "../../framework/module.js";
import type { KVRead } from "../../framework/store.js";
import type { NewValidator, ValidatorKeeper, ValidatorView } from "./keeper.js";

/** Parsed and validated validator genesis section. */
export interface ValidatorGenesis {
  params: ValidatorParams;
  /** The initial set, in the document's order (stored in key byte order). */
  validators: NewValidator[];
}

/** The validator genesis section as JSON (what {@link buildValidatorGenesis} returns). */
export interface ValidatorGenesisJson {
  params: { maxChangeFraction: string };
  validators: { name: string; publicKey: string; power: string }[];
}

/** Inputs of {@link buildValidatorGenesis}. */
export interface ValidatorGenesisSpec {
  /** The initial validators; `publicKey` as 32 raw bytes or padded base64. */
  validators: readonly { name: string; publicKey: Uint8Array | string; power: bigint | number }[];
  /** Defaults to 1/3 (also the maximum). */
  maxChangeFraction?: ChangeFraction | string;
}

/** Parses and validates a validator genesis section; fails with `app.invalid_genesis`. */
export function parseValidatorGenesis(json: unknown): ValidatorGenesis {
  const j = new JsonReader(AppErrors.invalidGenesis, "validator");
  if (json === undefined) j.fail("the validator section is required (at least one validator)");
  const o = j.record(json, ["params", "validators"]);

  // Parameters.
  const jp = j.at("params");
  const p = o.params === undefined ? {} : jp.object(o.params);
  if (p.authority !== undefined) {
    jp.at("authority").fail("was removed: only governance (a passed proposal) changes the validator set");
  }
  jp.noExtraKeys(p, ["maxChangeFraction"]);
  let maxChangeFraction = DEFAULT_MAX_CHANGE_FRACTION;
  if (p.maxChangeFraction !== undefined) {
    const jf = jp.at("maxChangeFraction");
    const f =
      parseChangeFraction(jf.string(p.maxChangeFraction)) ??
      jf.fail(`${JSON.stringify(p.maxChangeFraction)} is not a fraction such as "1/3"`);
    if (!isValidChangeFraction(f)) jf.fail(`${formatChangeFraction(f)} must be above 0 and at most 1/3`);
    maxChangeFraction = f;
  }

  // Validators.
  const raw = j.at("validators").array(o.validators);
  if (raw.length === 0) j.at("validators").fail("at least one validator is required");
  const seen = new Set<string>();
  let total = 0n;
  const validators = raw.map((v, i): NewValidator => {
    const jv = j.at(`validators[${i}]`);
    const vo = jv.record(v, ["name", "publicKey", "power"]);
    const name = jv.at("name").string(vo.name);
    try {
      validateValidatorName(name);
    } catch (e) {
      if (e instanceof UrbisError) jv.at("name").fail(e.message);
      throw e;
    }
    const keyText = jv.at("publicKey").string(vo.publicKey);
    const publicKey =
      validatorKeyFromBase64(keyText) ?? jv.at("publicKey").fail(`${JSON.stringify(keyText)} is not padded base64`);
    if (!isValidatorKey(publicKey)) {
      jv.at("publicKey").fail(`${keyText} is not a 32-byte Ed25519 public key of large order`);
    }
    if (seen.has(keyText)) jv.at("publicKey").fail(`duplicate validator key ${keyText}`);
    seen.add(keyText);
    const power = jv.at("power").uint(vo.power, MAX_TOTAL_VOTING_POWER);
    if (power === 0n) jv.at("power").fail("must be strictly positive");
    total += power;
    if (total > MAX_TOTAL_VOTING_POWER) {
      jv.at("power").fail(`the total voting power would exceed the maximum ${MAX_TOTAL_VOTING_POWER}`);
    }
    return { name, publicKey, power };
  });
  return { params: { maxChangeFraction }, validators };
}

/** Exports validator state as a genesis section that {@link parseValidatorGenesis} reads back to the same set. */
export function exportValidatorGenesis(keeper: ValidatorView, store: KVRead): Json {
  const p = keeper.params(store);
  return {
    params: { maxChangeFraction: formatChangeFraction(p.maxChangeFraction) },
    validators: keeper.validators(store).map((v) => ({
      name: v.name,
      publicKey: validatorKeyToBase64(v.publicKey),
      power: v.power.toString(),
    })),
  };
}

/**
 * The `validator` section of a genesis document's `appState`, checked: fails
 * with `app.invalid_genesis` exactly as InitChain would.
 */
export function buildValidatorGenesis(spec: ValidatorGenesisSpec): ValidatorGenesisJson {
  const f = spec.maxChangeFraction ?? DEFAULT_MAX_CHANGE_FRACTION;
  const json: ValidatorGenesisJson = {
    params: { maxChangeFraction: typeof f === "string" ? f : formatChangeFraction(f) },
    validators: spec.validators.map((v) => ({
      name: v.name,
      publicKey: typeof v.publicKey === "string" ? v.publicKey : validatorKeyToBase64(v.publicKey),
      power: String(v.power),
    })),
  };
  parseValidatorGenesis(json);
  return json;
}

/** Genesis handler of the validator module: the initial set is effective from the initial height. */
export function validatorGenesis(keeper: ValidatorKeeper): GenesisHandler<ValidatorGenesis> {
  return {
    parse: parseValidatorGenesis,
    init(ctx, g) {
      keeper.initGenesis(ctx.store, g.params, g.validators, ctx.block.height);
    },
    export: (ctx) => exportValidatorGenesis(keeper, ctx.store),
  };
}
