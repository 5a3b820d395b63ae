/**
 * `urbis tx gov …` and `urbis query gov …`: sector-weighted governance.
 * `propose <kind>` builds the governance-only message of that kind and wraps
 * it in `gov/submit_proposal` with a deposit (by default the minimum, so the
 * vote starts at once); organizations' admins then `vote`.
 */
import { readFileSync } from "node:fs";
import {
  addValidatorMsg,
  admitOrgMsg,
  cancelUpgradeMsg,
  delegateRoleMsg,
  depositMsg,
  fromHex,
  type Msg,
  regulationMsg,
  reinstateOrgMsg,
  removeOrgMsg,
  removeValidatorMsg,
  replaceAdminsMsg,
  revokeDelegationMsg,
  scheduleUpgradeMsg,
  setValidatorPowerMsg,
  sha256,
  submitProposalMsg,
  suspendOrgMsg,
  treasurySpendMsg,
  VOTE_OPTIONS,
  type VoteOption,
  voteMsg,
} from "@urbis/sdk";
import type { Command } from "commander";
import { connect } from "../client.js";
import { parseCoin } from "../coins.js";
import { CliError, EXIT, print } from "../output.js";
import { paramsUpdateMsg, parseAssignments } from "../params.js";
import { homeOf, resolveAddress, signAndSubmit, txOptions } from "../sign.js";
import { parseValidatorKey, parseVotingPower } from "./tx.js";

function parseId(s: string): bigint {
  if (!/^[1-9][0-9]{0,19}$/.test(s)) throw new CliError(`invalid proposal id ${JSON.stringify(s)}`, EXIT.usage);
  return BigInt(s);
}

function parseHeight(s: string): bigint {
  if (!/^[0-9]{1,20}$/.test(s)) throw new CliError(`invalid height ${JSON.stringify(s)}`, EXIT.usage);
  return BigInt(s);
}

/** Registers `urbis tx gov` under `tx` and `urbis query gov` under `query`. */
export function registerGov(program: Command, tx: Command, query: Command): void {
  const gov = tx.command("gov").description("governance: propose, deposit, vote");
  const home = () => homeOf(program);
  const g = () => program.opts();
  const client = () => connect(g().node, home());
  const addr = (s: string) => resolveAddress(home(), s);

  /** Current governance parameters (deposit denom and minimum). */
  async function govParams(): Promise<{ depositDenom: string; minDeposit: string }> {
    const r = await client().moduleQuery("gov", "params", {});
    return r.value as { depositDenom: string; minDeposit: string };
  }

  async function propose(o: Record<string, string>, messages: Msg[]): Promise<void> {
    const p = await govParams();
    let deposit = BigInt(p.minDeposit);
    if (o.deposit !== undefined) {
      const c = parseCoin(o.deposit, p.depositDenom);
      if (c.denom !== p.depositDenom) throw new CliError(`deposits are in ${p.depositDenom}`, EXIT.usage);
      deposit = c.amount;
    }
    const title = o.title as string;
    await signAndSubmit(program, o, [
      submitProposalMsg.wrap({ title, summary: o.summary ?? "", messages, initialDeposit: deposit }),
    ]);
  }

  const propose_ = gov
    .command("propose")
    .description("submit a proposal (you must be a member of an active organization)");
  const kind = (spec: string, description: string) =>
    txOptions(propose_.command(spec))
      .description(description)
      .requiredOption("--title <text>", "short title (at most 140 bytes)")
      .option("--summary <text>", "what and why", "")
      .option("--deposit <amount>", "initial deposit (default: the minimum, so voting starts at once)");

  kind("regulation <topic>", "record a version of a rule text: its SHA-256, where it is published, from which height")
    .option("--document <file>", "the rule text (its SHA-256 is recorded)")
    .option("--hash <hex>", "SHA-256 of the rule text, if --document is not given")
    .requiredOption("--uri <uri>", "where the text is published")
    .option("--effective-height <h>", "height from which it is in force (default: when the proposal executes)", "0")
    .action((topic: string, o) => {
      const hash = o.document ? sha256(new Uint8Array(readFileSync(o.document))) : o.hash ? fromHex(o.hash) : undefined;
      if (hash?.length !== 32) throw new CliError("give --document <file> or --hash <64 hex digits>", EXIT.usage);
      return propose(o, [
        regulationMsg.wrap({
          topic,
          title: o.title,
          documentHash: hash,
          uri: o.uri,
          effectiveHeight: parseHeight(o.effectiveHeight),
        }),
      ]);
    });

  kind("params <module> <changes...>", "change a module's parameters, e.g. 'params gov votingPeriodMs=60000'").action(
    async (module: string, changes: string[], o) => {
      const current = (await client().moduleQuery(module, "params", {})).value;
      return propose(o, [paramsUpdateMsg(module, current, parseAssignments(changes))]);
    },
  );

  kind("org-admit <id>", "admit an organization")
    .requiredOption("--name <name>", "its name")
    .requiredOption("--sector <sector>", "its sector, e.g. health")
    .requiredOption("--admin <keyOrAddress...>", "its admins (1 to 16)")
    .option("--validator-key <key>", "the CometBFT key of the validator it runs (base64 or hex)")
    .option("--did <did>", "its did:urbis identifier")
    .action((id: string, o) =>
      propose(o, [
        admitOrgMsg.wrap({
          id,
          name: o.name,
          sector: o.sector,
          admins: (o.admin as string[]).map(addr),
          validatorKey: o.validatorKey ? parseValidatorKey(o.validatorKey) : undefined,
          did: o.did,
        }),
      ]),
    );
  kind("org-replace-admins <id>", "replace an organization's admins when they cannot do it themselves")
    .requiredOption("--admin <keyOrAddress...>", "the new admins (1 to 16)")
    .action((id: string, o) => propose(o, [replaceAdminsMsg.wrap({ id, admins: (o.admin as string[]).map(addr) })]));
  for (const [name, msg, what] of [
    ["org-suspend", suspendOrgMsg, "suspend an organization (its members lose their permissions)"],
    ["org-reinstate", reinstateOrgMsg, "reinstate a suspended organization"],
    ["org-remove", removeOrgMsg, "remove an organization for good"],
  ] as const) {
    kind(`${name} <id>`, what)
      .requiredOption("--reason <text>", "why (recorded on chain)")
      .action((id: string, o) => propose(o, [msg.wrap({ id, reason: o.reason })]));
  }
  kind("delegate-role <org> <role>", "let an organization's admins grant a role, e.g. health.provider").action(
    (id: string, role: string, o) => propose(o, [delegateRoleMsg.wrap({ id, role })]),
  );
  kind("revoke-delegation <org> <role>", "take a delegated role back (its grants end)").action(
    (id: string, role: string, o) => propose(o, [revokeDelegationMsg.wrap({ id, role })]),
  );
  kind("validator-add <name> <publicKey> <power>", "add a CometBFT validator (key as base64 or hex)").action(
    (name: string, key: string, power: string, o) =>
      propose(o, [addValidatorMsg.wrap({ name, publicKey: parseValidatorKey(key), power: parseVotingPower(power) })]),
  );
  kind("validator-remove <publicKey>", "remove a validator (never the last; at most 1/3 of the power at once)").action(
    (key: string, o) => propose(o, [removeValidatorMsg.wrap({ publicKey: parseValidatorKey(key) })]),
  );
  kind("validator-set-power <publicKey> <power>", "re-weight a validator").action((key: string, power: string, o) =>
    propose(o, [setValidatorPowerMsg.wrap({ publicKey: parseValidatorKey(key), power: parseVotingPower(power) })]),
  );
  kind(
    "upgrade <name> <height>",
    "plan a software upgrade: every node stops at <height> until it runs software that knows <name>",
  )
    .option("--info <text>", "where to get the new software", "")
    .action((name: string, height: string, o) =>
      propose(o, [scheduleUpgradeMsg.wrap({ name, height: parseHeight(height), info: o.info })]),
    );
  kind("cancel-upgrade <name>", "cancel a planned upgrade").action((name: string, o) =>
    propose(o, [cancelUpgradeMsg.wrap({ name })]),
  );
  kind("treasury-spend <recipient> <amount>", "pay from the city treasury").action(
    async (to: string, amount: string, o) => {
      const p = await govParams();
      return propose(o, [treasurySpendMsg.wrap({ recipient: addr(to), ...parseCoin(amount, p.depositDenom) })]);
    },
  );

  txOptions(gov.command("deposit <proposalId> <amount>"))
    .description("add to a proposal's deposit during its deposit period")
    .action(async (id: string, amount: string, o) => {
      const p = await govParams();
      const c = parseCoin(amount, p.depositDenom);
      if (c.denom !== p.depositDenom) throw new CliError(`deposits are in ${p.depositDenom}`, EXIT.usage);
      await signAndSubmit(program, o, [depositMsg.wrap({ proposalId: parseId(id), amount: c.amount })]);
    });

  txOptions(gov.command("vote <proposalId> <option>"))
    .description("vote for your organization (admins only): yes, no, abstain or veto")
    .action(async (id: string, option: string, o) => {
      if (!VOTE_OPTIONS.includes(option as VoteOption)) {
        throw new CliError(`option must be one of ${VOTE_OPTIONS.join(", ")}`, EXIT.usage);
      }
      await signAndSubmit(program, o, [voteMsg.wrap({ proposalId: parseId(id), option: option as VoteOption })]);
    });

  const q = query.command("gov").description("proposals, votes, tallies, regulations, parameters");
  const ask = async (name: string, params: Record<string, string>) =>
    print(await client().moduleQuery("gov", name, params), g().json);
  q.command("proposal <id>")
    .description("one proposal with its status, deposits and (final) tally")
    .action((id: string) => ask("proposal", { id: String(parseId(id)) }));
  q.command("proposals")
    .description("every proposal")
    .option("--status <status>", "only those in this status, e.g. voting_period")
    .action((o) => ask("proposals", o.status ? { status: o.status } : {}));
  q.command("votes <id>")
    .description("each organization's vote on a proposal")
    .action((id: string) => ask("votes", { id: String(parseId(id)) }));
  q.command("tally <id>")
    .description("the tally: live during the vote, final after")
    .action((id: string) => ask("tally", { id: String(parseId(id)) }));
  q.command("regulation <topic>")
    .description("the rule text in force on a topic (at a height)")
    .option("--at <height>", "the height to ask about (default: the latest)")
    .action((topic: string, o) => ask("regulation", { topic, ...(o.at ? { at: o.at } : {}) }));
  q.command("regulations")
    .description("every recorded version of every rule text")
    .option("--topic <topic>", "only one topic")
    .action((o) => ask("regulations", o.topic ? { topic: o.topic } : {}));
  q.command("params")
    .description("governance parameters")
    .action(() => ask("params", {}));
  q.command("upgrade")
    .description("the planned software upgrade, if any")
    .action(async () => print(await client().moduleQuery("upgrade", "plan", {}), g().json));
}
