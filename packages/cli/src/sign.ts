/** Signing and submitting transactions from the CLI: the options every `urbis tx …` command shares. */
import { buildTx, isAddress, type Msg, type SubmitResultJson } from "@urbis/sdk";
import type { Command } from "commander";
import { connect } from "./client.js";
import { defaultHome, listKeys, openKey } from "./home.js";
import { CliError, EXIT, print } from "./output.js";
import { getPassphrase } from "./passphrase.js";
import { withProgress } from "./progress.js";

/** Adds the options every transaction command takes (--from, --memo, --expires, --wait, --passphrase-file). */
export function txOptions(c: Command): Command {
  return c
    .requiredOption("--from <key>", "name of the signing key")
    .option("--memo <text>", "memo", "")
    .option("--expires <height>", "last height at which the transaction may be included")
    .option("--wait <when>", "answer after 'check' or 'commit'", "commit")
    .option("--passphrase-file <file>", "file holding the key's passphrase");
}

/** The home folder given by --home, URBIS_HOME or the default. */
export function homeOf(program: Command): string {
  return program.opts().home ?? defaultHome();
}

/** Resolves a key name from the home, or passes an address through. */
export function resolveAddress(home: string, nameOrAddress: string): string {
  if (isAddress(nameOrAddress)) return nameOrAddress;
  const k = listKeys(home).find((f) => f.name === nameOrAddress);
  if (!k) throw new CliError(`${nameOrAddress} is neither an address nor a key name in ${home}`, EXIT.usage);
  return k.address;
}

/**
 * Signs `messages` with the --from key (sequence and chain id from the node),
 * submits them, prints the result (with `extra` fields first, so `--json`
 * output stays one document), and sets exit code `rejected` when the chain
 * refused them. `extra` may be a function of the result, to lift ids out of
 * its events; it is called only when the chain accepted the transaction
 * (with `--wait check` there are no events yet, so it finds nothing).
 */
export async function signAndSubmit(
  program: Command,
  o: Record<string, string>,
  messages: Msg[],
  extra: Record<string, string> | ((r: SubmitResultJson) => Record<string, string>) = {},
): Promise<void> {
  const g = program.opts();
  const home = homeOf(program);
  const client = connect(g.node, home);
  if (o.wait !== "check" && o.wait !== "commit") throw new CliError("--wait must be check or commit", EXIT.usage);
  const key = await openKey(home, o.from as string, await getPassphrase(o));
  const [status, account] = await Promise.all([client.status(), client.account(key.address)]);
  const signed = buildTx(key, {
    chainId: status.chainId,
    sequence: BigInt(account.sequence),
    messages,
    memo: o.memo ?? "",
    ...(o.expires ? { expiresAtHeight: BigInt(o.expires) } : {}),
  });
  const r = await withProgress(
    o.wait === "commit" ? "waiting for the block" : "checking",
    Boolean(g.json),
    client.submit(signed.bytes, o.wait),
  );
  const fields = typeof extra === "function" ? (r.code === 0 ? extra(r) : {}) : extra;
  print({ ...fields, ...r }, g.json);
  if (r.code !== 0) process.exitCode = EXIT.rejected;
}
