/** `urbis tx`: sign and submit transactions. */

import {
  addValidatorMsg,
  buildTx,
  burnMsg,
  createAssetMsg,
  fromHex,
  isAddress,
  MAX_U64,
  type Msg,
  mintMsg,
  multiSendMsg,
  removeValidatorMsg,
  sendMsg,
  setValidatorPowerMsg,
  VALIDATOR_KEY_LENGTH,
  validatorKeyFromBase64,
} from "@urbis/sdk";
import type { Command } from "commander";
import { connect } from "../client.js";
import { parseCoin } from "../coins.js";
import { defaultHome, listKeys, openKey } from "../home.js";
import { CliError, EXIT, print } from "../output.js";
import { getPassphrase } from "../passphrase.js";
import { withProgress } from "../progress.js";

/** Resolves a key name from the home, or passes an address through. */
export function resolveAddress(home: string, nameOrAddress: string): string {
  if (isAddress(nameOrAddress)) return nameOrAddress;
  const k = listKeys(home).find((f) => f.name === nameOrAddress);
  if (!k) throw new CliError(`${nameOrAddress} is neither an address nor a key name in ${home}`, EXIT.usage);
  return k.address;
}

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

/** Registers `urbis tx`. */
export function registerTx(program: Command): void {
  const tx = program.command("tx").description("sign and submit transactions");
  const bank = tx.command("bank").description("the city currency and issued assets");
  const validator = tx
    .command("validator")
    .description("the CometBFT validator set (only the validator authority may change it)");
  const g = () => program.opts();
  const home = () => g().home ?? defaultHome();

  const common = (c: Command) =>
    c
      .requiredOption("--from <key>", "name of the signing key")
      .option("--memo <text>", "memo", "")
      .option("--expires <height>", "last height at which the transaction may be included")
      .option("--wait <when>", "answer after 'check' or 'commit'", "commit")
      .option("--passphrase-file <file>", "file holding the key's passphrase");

  async function send(o: Record<string, string>, messages: Msg[]): Promise<void> {
    const client = connect(g().node, home());
    const key = await openKey(home(), o.from as string, await getPassphrase(o));
    const [status, account] = await Promise.all([client.status(), client.account(key.address)]);
    const signed = buildTx(key, {
      chainId: status.chainId,
      sequence: BigInt(account.sequence),
      messages,
      memo: o.memo ?? "",
      ...(o.expires ? { expiresAtHeight: BigInt(o.expires) } : {}),
    });
    if (o.wait !== "check" && o.wait !== "commit") throw new CliError("--wait must be check or commit", EXIT.usage);
    const r = await withProgress(
      o.wait === "commit" ? "waiting for the block" : "checking",
      Boolean(g().json),
      client.submit(signed.bytes, o.wait),
    );
    print(r, g().json);
    if (r.code !== 0) process.exitCode = EXIT.rejected;
  }

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

  common(validator.command("add <name> <publicKey> <power>"))
    .description(
      "add a validator, e.g. 'urbis tx validator add \"City Hospital\" <base64 key> 100 --from city'; " +
        "CometBFT uses it from two blocks after the one that includes it",
    )
    .action(async (name: string, publicKey: string, power: string, o) => {
      await send(o, [
        addValidatorMsg.wrap({ name, publicKey: parseValidatorKey(publicKey), power: parseVotingPower(power) }),
      ]);
    });

  common(validator.command("remove <publicKey>"))
    .description("remove a validator (never the last one; at most 1/3 of the power may change per block)")
    .action(async (publicKey: string, o) => {
      await send(o, [removeValidatorMsg.wrap({ publicKey: parseValidatorKey(publicKey) })]);
    });

  common(validator.command("set-power <publicKey> <power>"))
    .description("give a validator a new voting power (strictly positive: use remove to remove it)")
    .action(async (publicKey: string, power: string, o) => {
      await send(o, [
        setValidatorPowerMsg.wrap({ publicKey: parseValidatorKey(publicKey), power: parseVotingPower(power) }),
      ]);
    });
}
