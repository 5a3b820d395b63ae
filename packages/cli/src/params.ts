/**
 * Module parameters given on the command line for a parameter-change
 * proposal: the module's current parameters (from its `params` query) with
 * the user's `key=value` changes laid over them, checked and converted by the
 * module's own genesis parser — the one place that already turns JSON into
 * typed parameters — so the CLI has no second copy of those rules.
 */
import {
  type Msg,
  updateAuthParamsMsg,
  updateBankParamsMsg,
  updateGovParamsMsg,
  updateOrgParamsMsg,
  updateValidatorParamsMsg,
} from "@urbis/sdk";
import { AppErrors, authModule, bankModule, JsonReader, parseGovParams, parseOrgGenesis } from "@urbis/state";
import { CliError, EXIT } from "./output.js";

/** Modules whose parameters governance can change. */
export const PARAM_MODULES = ["auth", "bank", "org", "gov", "validator"] as const;
/** A module whose parameters governance can change. */
export type ParamModule = (typeof PARAM_MODULES)[number];

/** Parses `key=value` pairs; a value that is valid JSON (array, object, number) is taken as JSON, else as a string. */
export function parseAssignments(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of pairs) {
    const i = kv.indexOf("=");
    if (i < 1) throw new CliError(`parameter ${kv} must look like key=value`, EXIT.usage);
    const raw = kv.slice(i + 1);
    let v: unknown = raw;
    try {
      v = JSON.parse(raw);
    } catch {
      // a plain string
    }
    // Amounts and periods are decimal strings in parameter JSON.
    out[kv.slice(0, i)] = typeof v === "number" ? String(v) : v;
  }
  return out;
}

/** The update message of `module` for parameters `current` with `changes` applied. */
export function paramsUpdateMsg(module: string, current: unknown, changes: Record<string, unknown>): Msg {
  if (typeof current !== "object" || current === null) throw new CliError(`no parameters for ${module}`, EXIT.failure);
  const merged = { ...(current as Record<string, unknown>), ...changes };
  try {
    switch (module) {
      case "auth":
        return updateAuthParamsMsg.wrap({ params: authModule().genesis.parse({ params: merged }).params });
      case "bank":
        return updateBankParamsMsg.wrap({ params: bankModule().genesis.parse({ params: merged }).params });
      case "org":
        return updateOrgParamsMsg.wrap({ params: parseOrgGenesis({ params: merged }).params });
      case "gov":
        return updateGovParamsMsg.wrap({
          params: parseGovParams(new JsonReader(AppErrors.invalidGenesis, "gov"), merged),
        });
      case "validator": {
        const f = merged.maxChangeFraction as { numerator?: unknown; denominator?: unknown } | undefined;
        if (!f || !/^\d+$/.test(String(f.numerator)) || !/^\d+$/.test(String(f.denominator))) {
          throw new CliError(
            'validator parameters need maxChangeFraction={"numerator":"1","denominator":"3"}',
            EXIT.usage,
          );
        }
        return updateValidatorParamsMsg.wrap({
          maxChangeFraction: { numerator: BigInt(String(f.numerator)), denominator: BigInt(String(f.denominator)) },
        });
      }
      default:
        throw new CliError(`unknown module ${module}: one of ${PARAM_MODULES.join(", ")}`, EXIT.usage);
    }
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`invalid ${module} parameters: ${(e as Error).message}`, EXIT.usage);
  }
}
