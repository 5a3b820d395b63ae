/** `urbis tx`: sign and submit transactions. */

import {
  burnMsg,
  createAssetMsg,
  fromHex,
  MAX_U64,
  type Msg,
  mintMsg,
  multiSendMsg,
  sendMsg,
  VALIDATOR_KEY_LENGTH,
  validatorKeyFromBase64,
} from "@urbis/sdk";
import type { Command } from "commander";
import { parseCoin } from "../coins.js";
import { CliError, EXIT } from "../output.js";
import { homeOf, resolveAddress, signAndSubmit, txOptions } from "../sign.js";

export { resolveAddress } from "../sign.js";

/**
 * A validator's Ed25519 public key given on the command line: padded base64
 * (as `pub_key.value` in CometBFT's priv_validator_key.json) or 64 hex digits.
 * Whether it is a valid curve point is for the chain to say (`validator.invalid_public_key`).
 */
export function parseValidatorKey(s: string): Uint8Array {
  const t = s.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? fromHex(t) : validatorKeyFromBase64(t);
  if (!key || key.length !== VALIDATOR_KEY_LENGTH) {
    throw new CliError(
      `invalid validator key ${JSON.stringify(s)}: expected ${VALIDATOR_KEY_LENGTH} bytes as padded base64 or hex`,
      EXIT.usage,
    );
  }
  return key;
}

/** A voting power given on the command line (whether it is allowed is for the chain to say). */
export function parseVotingPower(s: string): bigint {
  if (!/^[0-9]+$/.test(s.trim())) throw new CliError(`invalid voting power ${JSON.stringify(s)}`, EXIT.usage);
  const power = BigInt(s.trim());
  if (power > MAX_U64) throw new CliError(`voting power ${s} exceeds the largest u64`, EXIT.usage);
  return power;
}

/** Registers `urbis tx` and returns it, so other command files can add their module's subcommands. */
export function registerTx(program: Command): Command {
  const tx = program.command("tx").description("sign and submit transactions");
  const bank = tx.command("bank").description("the city currency and issued assets");
  const home = () => homeOf(program);
  const common = txOptions;
  const send = (o: Record<string, string>, messages: Msg[]) => signAndSubmit(program, o, messages);

  common(bank.command("send <to> <amount>"))
    .description("send coins, e.g. 'urbis tx bank send bob 1500000ucity --from alice'")
    .option("--denom <denom>", "denom when <amount> has none")
    .action(async (to: string, amount: string, o) => {
      const coin = parseCoin(amount, o.denom);
      await send(o, [sendMsg.wrap({ to: resolveAddress(home(), to), ...coin })]);
    });

  common(bank.command("multi-send <outputs...>"))
    .description("send to many at once: 'urbis tx bank multi-send alice=10ucity bob=20ucity --from treasury'")
    .action(async (outputs: string[], o) => {
      const outs = outputs.map((s) => {
        const i = s.indexOf("=");
        if (i < 1) throw new CliError(`output ${s} must look like <to>=<amount>`, EXIT.usage);
        return { to: resolveAddress(home(), s.slice(0, i)), ...parseCoin(s.slice(i + 1), undefined) };
      });
      await send(o, [multiSendMsg.wrap({ outputs: outs })]);
    });

  common(bank.command("mint <to> <amount>"))
    .description("mint an asset you issue to an account")
    .action(async (to: string, amount: string, o) => {
      const coin = parseCoin(amount, undefined);
      await send(o, [mintMsg.wrap({ to: resolveAddress(home(), to), ...coin })]);
    });

  common(bank.command("burn <amount>"))
    .description("burn an asset you issue, from your own balance")
    .action(async (amount: string, o) => {
      await send(o, [burnMsg.wrap(parseCoin(amount, undefined))]);
    });

  common(bank.command("create-asset <denom>"))
    .description("create a new asset (e.g. a bank's tokenized deposit); you become its issuer")
    .requiredOption("--name <name>", "asset name")
    .requiredOption("--symbol <symbol>", "ticker symbol")
    .option("--decimals <n>", "decimal places", "6")
    .option("--max-supply <amount>", "cap on the supply, in base units")
    .action(async (denom: string, o) => {
      await send(o, [
        createAssetMsg.wrap({
          denom,
          name: o.name,
          symbol: o.symbol,
          decimals: Number.parseInt(o.decimals, 10),
          maxSupply: o.maxSupply === undefined ? undefined : BigInt(o.maxSupply),
        }),
      ]);
    });
  return tx;
}
