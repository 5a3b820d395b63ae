/**
 * Governance end to end on a real solo node (`urbis init --demo` with short
 * periods, `urbis start` as a child process on loopback): every proposal kind
 * a solo chain has — organization admission, suspension, reinstatement and
 * removal, role delegation and its revocation, regulation, parameter change,
 * treasury spend, upgrade plan — goes through deposit, sector-weighted votes by
 * the founding organizations' admins and execution; plus a vetoed, a rejected
 * (too few sectors), an expired and a failed proposal, every refusal a user
 * can hit, and the upgrade halt. Validator proposals run on CometBFT
 * (test/cometbft-network.test.ts): a solo chain has no validator set.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  addMemberMsg,
  admitOrgMsg,
  cancelUpgradeMsg,
  delegateRoleMsg,
  depositMsg,
  grantRoleMsg,
  type Msg,
  registeredErrors,
  regulationMsg,
  reinstateOrgMsg,
  removeOrgMsg,
  replaceAdminsMsg,
  revokeDelegationMsg,
  scheduleUpgradeMsg,
  sendMsg,
  sha256,
  submitProposalMsg,
  suspendOrgMsg,
  TREASURY_ADDRESS,
  treasurySpendMsg,
  updateAuthParamsMsg,
  type VoteOption,
  voteMsg,
} from "@urbis/protocol";
import { buildTx, type SubmitResultJson, UrbisApiError, UrbisClient } from "@urbis/sdk";
import { demoKey } from "../packages/cli/src/demo.js";
import { freePort } from "./helpers/cli-demo.js";

const MAIN = new URL("../packages/cli/src/main.ts", import.meta.url).pathname;
const UCC = 1_000_000n;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The founding organizations' admin keys (demo genesis), with their sectors' weights 3/2/2/1…. */
const ADMINS = {
  cityHall: "city-hall",
  hospital: "hospital",
  bank: "bank",
  water: "water-utility",
  university: "university",
  transit: "transit-authority",
  pharma: "pharma-coop",
  property: "property-registry",
} as const;
const ALL_ADMINS = Object.values(ADMINS);

interface ProposalJson {
  id: string;
  status: string;
  failure?: { codespace: string; code: number; log: string };
  totalDeposit: string;
  executedHeight?: string;
  finalTally?: { passed: boolean; vetoed: boolean; approvingSectors: string[] };
}

describe("governance end to end on a solo node", { timeout: 600_000 }, () => {
  let home: string;
  let node: ChildProcess;
  let client: UrbisClient;
  let stderr = "";
  let minDeposit = 0n;
  const env = () => ({ ...process.env, URBIS_HOME: home, URBIS_PASSPHRASE: "demo" });
  const urbis = (...args: string[]) => {
    const r = spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], { env: env(), encoding: "utf8" });
    return { code: r.status, out: r.stdout, err: r.stderr, json: () => JSON.parse(r.stdout) };
  };

  function startNode(): Promise<string> {
    stderr = "";
    node = spawn(process.execPath, ["--import", "tsx", MAIN, "start", "--json"], {
      env: env(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    node.stderr?.on("data", (d) => {
      stderr += d;
    });
    return new Promise<string>((resolve, reject) => {
      let buf = "";
      node.stdout?.on("data", (d) => {
        buf += d;
        const m = /"api":\s*"([^"]+)"/.exec(buf);
        if (m) resolve(m[1] as string);
      });
      node.once("exit", (c) => reject(new Error(`node exited ${c}: ${stderr}`)));
    });
  }

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "urbis-gov-"));
    const init = urbis(
      "init",
      "--demo",
      "--port",
      String(await freePort()),
      "--block-interval",
      "200",
      "--voting-period",
      "15",
      "--deposit-period",
      "15",
      "--json",
    );
    assert.equal(init.code, 0, init.err);
    client = new UrbisClient({ baseUrl: await startNode() });
    minDeposit = BigInt(((await client.query("gov", "params")).value as { minDeposit: string }).minDeposit);
  });

  after(async () => {
    if (node && node.exitCode === null && node.signalCode === null) {
      const exited = new Promise((r) => node.once("exit", r));
      node.kill("SIGTERM");
      await exited;
    }
    rmSync(home, { recursive: true, force: true });
  });

  /** Signs `msgs` with a demo key and waits for the commit; a refused check throws the typed error. */
  async function send(name: string, msgs: Msg[]): Promise<SubmitResultJson> {
    const key = demoKey(name);
    const [status, account] = await Promise.all([client.status(), client.account(key.address)]);
    const tx = buildTx(key, { chainId: status.chainId, sequence: BigInt(account.sequence), messages: msgs });
    return client.submitTx(tx.bytes, { wait: "commit" });
  }

  /** Sends and expects success. */
  async function ok(name: string, msgs: Msg[]): Promise<SubmitResultJson> {
    const r = await send(name, msgs);
    assert.equal(r.code, 0, `${r.codespace}/${r.code}: ${r.log}`);
    return r;
  }

  /** Sends and expects the registered error `codespace`/`code`, at check or in the block. */
  async function refused(name: string, msgs: Msg[], codespace: string, code: number): Promise<void> {
    try {
      const r = await send(name, msgs);
      assert.equal(`${r.codespace}/${r.code}`, `${codespace}/${code}`, r.log);
    } catch (e) {
      if (!(e instanceof UrbisApiError)) throw e;
      assert.equal(`${e.codespace}/${e.code}`, `${codespace}/${code}`, e.message);
    }
  }

  /** Submits a proposal from the city hall's admin; returns its id. */
  async function propose(title: string, msgs: Msg[], deposit = minDeposit, by: string = ADMINS.cityHall) {
    const r = await ok(by, [
      submitProposalMsg.wrap({ title, summary: `e2e: ${title}`, messages: msgs, initialDeposit: deposit }),
    ]);
    const ev = r.events?.find((e) => e.type === "gov.proposal_submitted");
    const id = ev?.attributes.find((a) => a.key === "id")?.value;
    assert.ok(id, "gov.proposal_submitted carries the id");
    return BigInt(id);
  }

  /** Submits several proposals in one transaction (so their periods start together); returns their ids in order. */
  async function proposeMany<const T extends readonly { title: string; msgs: Msg[]; deposit?: bigint }[]>(
    items: T,
    by: string = ADMINS.cityHall,
  ): Promise<{ [K in keyof T]: bigint }> {
    const r = await ok(
      by,
      items.map((p) =>
        submitProposalMsg.wrap({
          title: p.title,
          summary: `e2e: ${p.title}`,
          messages: p.msgs,
          initialDeposit: p.deposit ?? minDeposit,
        }),
      ),
    );
    const ids = (r.events ?? [])
      .filter((e) => e.type === "gov.proposal_submitted")
      .map((e) => BigInt(e.attributes.find((a) => a.key === "id")?.value ?? "0"));
    assert.equal(ids.length, items.length);
    return ids as { [K in keyof T]: bigint };
  }

  /** Each admin votes on every listed proposal in one transaction. */
  async function vote(ballots: Record<string, [bigint, VoteOption][]>): Promise<void> {
    await Promise.all(
      Object.entries(ballots).map(([admin, votes]) =>
        ok(
          admin,
          votes.map(([proposalId, option]) => voteMsg.wrap({ proposalId, option })),
        ),
      ),
    );
  }

  async function proposal(id: bigint): Promise<ProposalJson> {
    return (await client.query("gov", "proposal", { id: id.toString() })).value as ProposalJson;
  }

  /** Waits until proposal `id` reaches a final status; the solo engine makes a block when the period ends. */
  async function settled(id: bigint): Promise<ProposalJson> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const p = await proposal(id);
      if (["executed", "failed", "rejected", "vetoed", "expired"].includes(p.status)) return p;
      if (Date.now() > deadline) throw new Error(`proposal ${id} still ${p.status}`);
      await sleep(250);
    }
  }

  const balance = async (address: string) =>
    BigInt(((await client.query("bank", "balance", { address, denom: "ucity" })).value as { amount: string }).amount);
  const yesFromAll = (ids: bigint[]) =>
    Object.fromEntries(ALL_ADMINS.map((a) => [a, ids.map((id) => [id, "yes"] as [bigint, VoteOption])]));

  it("runs every proposal kind through deposit, sector-weighted vote and execution", async () => {
    const newAdmin = demoKey("st-mary-admin").address;
    const alice = demoKey("alice").address;
    const treasuryBefore = await balance(TREASURY_ADDRESS);
    const aliceBefore = await balance(alice);

    // Admission through the CLI (propose and one vote), the rest through the SDK.
    const cli = urbis(
      "tx",
      "gov",
      "propose",
      "org-admit",
      "st-mary",
      "--title",
      "Admit St Mary's Hospital",
      "--name",
      "St Mary's Hospital",
      "--sector",
      "health",
      "--admin",
      newAdmin,
      "--from",
      "city-hall",
      "--json",
    );
    assert.equal(cli.code, 0, cli.err + cli.out);
    const admit = BigInt(
      (cli.json().events as { type: string; attributes: { key: string; value: string }[] }[])
        .find((e) => e.type === "gov.proposal_submitted")
        ?.attributes.find((a) => a.key === "id")?.value ?? "0",
    );
    assert.ok(admit > 0n);
    const cliVote = urbis("tx", "gov", "vote", admit.toString(), "yes", "--from", "university", "--json");
    assert.equal(cliVote.code, 0, cliVote.err + cliVote.out);

    // Both admissions of one id pass simulation at submission; the second fails when it executes.
    const [regulation, params, delegate, spend, suspend, upgradePlan, dupA, dupB, vetoed, fewSectors, underDeposited] =
      await proposeMany([
        {
          title: "Noise ordinance v1",
          msgs: [
            regulationMsg.wrap({
              topic: "noise-ordinance",
              title: "Noise ordinance, first text",
              documentHash: sha256(new TextEncoder().encode("No loud noise after 22:00.")),
              uri: "https://city.example/rules/noise-v1.pdf",
              effectiveHeight: 0n,
            }),
          ],
        },
        {
          title: "Raise the per-account rate",
          msgs: [updateAuthParamsMsg.wrap({ params: { maxTxsPerWindow: 2000, windowBlocks: 10n } })],
        },
        {
          title: "Let the water utility run IoT sensors",
          msgs: [delegateRoleMsg.wrap({ id: "water-utility", role: "iot.operator" })],
        },
        {
          title: "Pay Alice for the park survey",
          msgs: [treasurySpendMsg.wrap({ recipient: alice, denom: "ucity", amount: 5n * UCC })],
        },
        {
          title: "Suspend the pharma cooperative",
          msgs: [suspendOrgMsg.wrap({ id: "pharma-coop", reason: "audit pending" })],
        },
        {
          title: "Plan v9 far ahead",
          msgs: [scheduleUpgradeMsg.wrap({ name: "v9", height: 1_000_000n, info: "placeholder, cancelled below" })],
        },
        {
          title: "Admit the civic lab",
          msgs: [
            admitOrgMsg.wrap({
              id: "civic-lab",
              name: "Civic Lab",
              sector: "civil_society",
              admins: [demoKey("lab-a").address],
              validatorKey: undefined,
              did: undefined,
            }),
          ],
        },
        {
          title: "Admit the civic lab again",
          msgs: [
            admitOrgMsg.wrap({
              id: "civic-lab",
              name: "Civic Lab 2",
              sector: "civil_society",
              admins: [demoKey("lab-b").address],
              validatorKey: undefined,
              did: undefined,
            }),
          ],
        },
        {
          title: "Close every park",
          msgs: [
            regulationMsg.wrap({
              topic: "parks",
              title: "No parks",
              documentHash: new Uint8Array(32).fill(7),
              uri: "https://city.example/rules/parks.pdf",
              effectiveHeight: 0n,
            }),
          ],
        },
        {
          title: "Only two sectors approve",
          msgs: [
            regulationMsg.wrap({
              topic: "lanes",
              title: "Bus lanes",
              documentHash: new Uint8Array(32).fill(9),
              uri: "https://city.example/rules/lanes.pdf",
              effectiveHeight: 0n,
            }),
          ],
        },
        {
          title: "Never funded",
          deposit: 1n,
          msgs: [
            regulationMsg.wrap({
              topic: "unfunded",
              title: "Unfunded",
              documentHash: new Uint8Array(32).fill(1),
              uri: "https://city.example/u.pdf",
              effectiveHeight: 0n,
            }),
          ],
        },
      ]);
    // Deposits from anyone during the deposit period add up (still short of the minimum here).
    await ok("alice", [depositMsg.wrap({ proposalId: underDeposited, amount: 2n })]);

    const passing = [admit, regulation, params, delegate, spend, suspend, upgradePlan, dupA, dupB];
    const ballots = yesFromAll(passing);
    ballots.university = (ballots.university ?? []).filter(([id]) => id !== admit); // voted through the CLI
    // Government (3) + health (2) + finance (2) veto: 7 of 12 → vetoed.
    for (const a of [ADMINS.cityHall, ADMINS.hospital, ADMINS.bank]) ballots[a]?.push([vetoed, "veto"]);
    for (const a of [ADMINS.water, ADMINS.university]) ballots[a]?.push([vetoed, "yes"]);
    // Government (3) + health (2) yes, utilities abstains: quorum and threshold met, but 2 sectors < 3.
    ballots[ADMINS.cityHall]?.push([fewSectors, "yes"]);
    ballots[ADMINS.hospital]?.push([fewSectors, "yes"]);
    ballots[ADMINS.water]?.push([fewSectors, "abstain"]);
    await vote(ballots);

    for (const id of passing.filter((x) => x !== dupB)) {
      const p = await settled(id);
      assert.equal(p.status, "executed", `proposal ${id}: ${JSON.stringify(p)}`);
    }
    const failed = await settled(dupB);
    assert.equal(failed.status, "failed");
    assert.equal(failed.failure?.codespace, "org");
    assert.equal(failed.failure?.code, 14, "org.organization_exists");
    const v = await settled(vetoed);
    assert.equal(v.status, "vetoed");
    const few = await settled(fewSectors);
    assert.equal(few.status, "rejected");
    assert.equal(few.finalTally?.passed, false);
    assert.deepEqual([...(few.finalTally?.approvingSectors ?? [])].sort(), ["government", "health"]);
    const exp = await settled(underDeposited);
    assert.equal(exp.status, "expired");

    // Effects of every executed kind.
    const stMary = (await client.query("org", "organization", { id: "st-mary" })).value as {
      status: string;
      sector: string;
    };
    assert.equal(stMary.status, "active");
    assert.equal(stMary.sector, "health");
    const reg = (await client.query("gov", "regulation", { topic: "noise-ordinance" })).value as {
      uri: string;
      proposalId: string;
    };
    assert.equal(reg.uri, "https://city.example/rules/noise-v1.pdf");
    const regExecuted = BigInt((await proposal(regulation)).executedHeight ?? "0");
    await assert.rejects(
      client.query("gov", "regulation", { topic: "noise-ordinance", at: (regExecuted - 1n).toString() }),
      (e: unknown) => {
        assert.ok(e instanceof UrbisApiError, String(e));
        assert.equal(`${e.codespace}/${e.code}/${e.status}`, "gov/12/404", `${e.message} at ${regExecuted - 1n}`);
        return true;
      },
      "no text was in force on the topic before the proposal executed",
    );
    const auth = (await client.query("auth", "params")).value as { maxTxsPerWindow: number | string };
    assert.equal(String(auth.maxTxsPerWindow), "2000");
    // The spend arrived, and the expired proposal's deposit (2) came back.
    assert.equal(await balance(alice), aliceBefore + 5n * UCC);
    const suspended = (await client.query("org", "organization", { id: "pharma-coop" })).value as { status: string };
    assert.equal(suspended.status, "suspended");
    const plan = (await client.query("upgrade", "plan")).value as { name?: string; plan?: { name: string } } | null;
    assert.ok(JSON.stringify(plan).includes("v9"));
    // The vetoed proposal's deposit went to the treasury; the spend came out of it.
    assert.equal(await balance(TREASURY_ADDRESS), treasuryBefore - 5n * UCC + minDeposit);

    // The water utility's admin grants the delegated role within the delegation, not beyond it.
    await ok(ADMINS.water, [addMemberMsg.wrap({ id: "water-utility", member: alice })]);
    await ok(ADMINS.water, [grantRoleMsg.wrap({ id: "water-utility", member: alice, role: "iot.operator" })]);
    await refused(
      ADMINS.water,
      [grantRoleMsg.wrap({ id: "water-utility", member: alice, role: "health.provider" })],
      "org",
      25,
    );
    const member = (await client.query("org", "member", { address: alice })).value as { roles: string[] };
    assert.deepEqual(member.roles, ["iot.operator"]);
  });

  it("refuses every bad vote and proposal with its own code and changes nothing", async () => {
    const alice = demoKey("alice").address;
    const open = await propose("Reinstate pharma, remove the property registry, end the IoT delegation, cancel v9", [
      reinstateOrgMsg.wrap({ id: "pharma-coop", reason: "audit passed" }),
    ]);
    const remove = await propose("Remove the property registry", [
      removeOrgMsg.wrap({ id: "property-registry", reason: "merged into city hall" }),
    ]);
    const revoke = await propose("End the IoT delegation", [
      revokeDelegationMsg.wrap({ id: "water-utility", role: "iot.operator" }),
    ]);
    const cancel = await propose("Cancel v9", [cancelUpgradeMsg.wrap({ name: "v9" })]);
    const replace = await propose("New admin for St Mary's", [
      replaceAdminsMsg.wrap({ id: "st-mary", admins: [demoKey("st-mary-admin-2").address] }),
    ]);
    const before = await proposal(open);

    // Not a member (bob belongs to no organization).
    await refused("bob", [voteMsg.wrap({ proposalId: open, option: "yes" })], "org", 22);
    // A member who is not an admin (alice joined the water utility above).
    await refused(
      "alice",
      [voteMsg.wrap({ proposalId: open, option: "yes" })],
      "gov",
      await codeOf("gov", "not_admin"),
    );
    // A suspended organization's admin.
    await refused(ADMINS.pharma, [voteMsg.wrap({ proposalId: open, option: "yes" })], "org", 23);
    // Unknown proposal.
    await refused(
      ADMINS.cityHall,
      [voteMsg.wrap({ proposalId: 999_999n, option: "yes" })],
      "gov",
      await codeOf("gov", "unknown_proposal"),
    );
    // A kind that is not governance-only (a plain transfer) and malformed content.
    await refused(
      ADMINS.cityHall,
      [
        submitProposalMsg.wrap({
          title: "t",
          summary: "",
          messages: [sendMsg.wrap({ to: alice, denom: "ucity", amount: 1n })],
          initialDeposit: minDeposit,
        }),
      ],
      "gov",
      await codeOf("gov", "unknown_proposal_kind"),
    );
    await refused(
      ADMINS.cityHall,
      [
        submitProposalMsg.wrap({
          title: "t",
          summary: "",
          messages: [{ type: "gov/regulation", value: new Uint8Array([1, 2, 3]) }],
          initialDeposit: minDeposit,
        }),
      ],
      "gov",
      await codeOf("gov", "invalid_proposal_content"),
    );
    await refused(
      ADMINS.cityHall,
      [
        submitProposalMsg.wrap({
          title: "t",
          summary: "",
          messages: [{ type: "nosuch/thing", value: new Uint8Array() }],
          initialDeposit: minDeposit,
        }),
      ],
      "gov",
      await codeOf("gov", "unknown_proposal_kind"),
    );
    // A governance-only message signed by an account directly.
    await refused(ADMINS.cityHall, [treasurySpendMsg.wrap({ recipient: alice, denom: "ucity", amount: 1n })], "app", 7);
    assert.deepEqual(await proposal(open), before, "refusals changed nothing");

    const votes = yesFromAll([open, remove, revoke, cancel, replace]);
    delete votes[ADMINS.pharma]; // suspended: cannot vote
    votes["st-mary-admin"] = [open, remove, revoke, cancel, replace].map((id) => [id, "yes"]); // the admitted hospital votes
    await vote(votes);
    // A second vote of the same organization.
    await refused(
      ADMINS.cityHall,
      [voteMsg.wrap({ proposalId: open, option: "no" })],
      "gov",
      await codeOf("gov", "already_voted"),
    );
    for (const id of [open, remove, revoke, cancel, replace]) assert.equal((await settled(id)).status, "executed");
    const stMary = (await client.query("org", "organization", { id: "st-mary" })).value as { admins: string[] };
    assert.deepEqual(stMary.admins, [demoKey("st-mary-admin-2").address], "governance replaced the admins");
    // After the period.
    await refused(
      ADMINS.bank,
      [voteMsg.wrap({ proposalId: open, option: "no" })],
      "gov",
      await codeOf("gov", "not_voting_period"),
    );
    assert.equal(
      ((await client.query("org", "organization", { id: "pharma-coop" })).value as { status: string }).status,
      "active",
    );
    assert.equal(
      ((await client.query("org", "organization", { id: "property-registry" })).value as { status: string }).status,
      "removed",
    );
    const member = (await client.query("org", "member", { address: alice })).value as { roles: string[] };
    assert.deepEqual(member.roles, [], "revoking the delegation ended the grant");
  });

  it("stops at the height of an upgrade plan it does not implement, says so, and stops there again after a restart", async () => {
    const latest = BigInt((await client.status()).latestHeight);
    const target = latest + 40n;
    const id = await propose("Upgrade to v2", [
      scheduleUpgradeMsg.wrap({ name: "v2", height: target, info: "https://city.example/urbis-v2" }),
    ]);
    const ballots = yesFromAll([id]);
    delete ballots[ADMINS.property]; // removed above: no longer a member
    await vote(ballots);
    assert.equal((await settled(id)).status, "executed");
    // Blocks come with transactions: keep sending until the node stops.
    const exited = new Promise<number | null>((r) => node.once("exit", (c) => r(c)));
    let stopped = false;
    void exited.then(() => {
      stopped = true;
    });
    let n = 0n;
    while (!stopped) {
      await send("bob", [sendMsg.wrap({ to: demoKey("alice").address, denom: "ucity", amount: 1n })]).catch(() => {});
      n += 1n;
      if (n > 400n) throw new Error("the node did not stop at the upgrade height");
    }
    assert.equal(await exited, 75, "exit code EXIT_UPGRADE_NEEDED");
    assert.match(stderr, new RegExp(`UPGRADE "v2" NEEDED at height ${target}`));
    // The same software stops at the same height again.
    const url = await startNode().catch((e: Error) => e);
    if (typeof url === "string") {
      client = new UrbisClient({ baseUrl: url });
      assert.equal(BigInt((await client.status()).latestHeight), target - 1n);
      const again = new Promise<number | null>((r) => node.once("exit", (c) => r(c)));
      await send("bob", [sendMsg.wrap({ to: demoKey("alice").address, denom: "ucity", amount: 1n })]).catch(() => {});
      assert.equal(await again, 75);
    }
    assert.match(stderr, new RegExp(`UPGRADE "v2" NEEDED at height ${target}`));
  });
});

/** The code of a registered error, by name (keeps the test readable and tied to the registry). */
async function codeOf(codespace: string, name: string): Promise<number> {
  const def = registeredErrors().find((d) => d.codespace === codespace && d.name === name);
  if (!def) throw new Error(`no error ${codespace}.${name}`);
  return def.code;
}
