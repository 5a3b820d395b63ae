/** Parsing amounts given on the command line. */
import { MAX_U128 } from "@urbis/sdk";
import { CliError, EXIT } from "./output.js";

/** Parses `1500000ucity`, or `1500000` with a default denom, into base units. */
export function parseCoin(s: string, defaultDenom: string | undefined): { denom: string; amount: bigint } {
  const m = /^([0-9]+)([a-z][a-z0-9]{2,15})?$/.exec(s.trim());
  if (!m) throw new CliError(`invalid amount ${JSON.stringify(s)}: expected e.g. 1500000ucity`, EXIT.usage);
  const denom = m[2] ?? defaultDenom;
  if (!denom) throw new CliError(`amount ${s} needs a denom (e.g. ${s}ucity) or --denom`, EXIT.usage);
  const amount = BigInt(m[1] as string);
  if (amount > MAX_U128) throw new CliError(`amount ${s} exceeds the largest amount (2^128-1)`, EXIT.usage);
  return { denom, amount };
}
