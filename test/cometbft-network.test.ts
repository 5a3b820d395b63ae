/**
 * A real 4-validator Urbis network on CometBFT v0.38 (four `urbis start`
 * processes, each with its CometBFT child) on loopback: consensus, crash
 * faults with kill -9, halting without 2/3, state sync, validator changes
 * only through governance (a node added by a voted proposal; direct messages
 * and changes above a third of the power refused), and reads through
 * @cosmjs/tendermint-rpc.
 *
 * The testnet genesis holds all eight founding organizations of the demo city
 * (the first four run the validators), so the governance weights are
 * government 3, health 2, finance 2 and 1 for each of the five other sectors
 * (12 in all), and minApprovingSectors is min(3, 8) = 3.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import {
  addValidatorMsg,
  type ErrorDef,
  type Msg,
  removeValidatorMsg,
  setValidatorPowerMsg,
  submitProposalMsg,
  ValidatorErrors,
  voteMsg,
} from "@urbis/protocol";
import {
  buildTx,
  CometBlockIdFlag,
  LightErrors,
  parseCometCommit,
  parseCometGenesisValidators,
  parseCometValidators,
  type SubmitResultJson,
  TxErrors,
  toHex,
  UrbisApiError,
  UrbisError,
  utf8,
  verifyCometHeader,
  verifyStateAnswerWithHeader,
} from "@urbis/sdk";
import { AppErrors } from "@urbis/state";
import { nodeValidatorKey } from "../packages/cli/src/testnet.js";
import { TestNetwork, Wallets, waitFor } from "./helpers/network.js";

const SENDERS = ["treasury", "hospital", "bank"] as const;

/** Voting period of the test network: long enough for three votes, short enough to wait out. */
const VOTING_PERIOD_MS = 8000;

/** Admin keys (demo accounts) of the organizations that vote in these tests. */
const ADMIN = { cityHall: "city-hall", hospital: "hospital", bank: "bank" } as const;

interface BlockJson {
  hash: string;
  resultAppHash: string;
}

/** The fields of a `gov/proposal` answer the tests read. */
interface ProposalJson {
  id: string;
  status: string;
  executedHeight?: string;
  failure?: { codespace: string; code: number; log: string };
  finalTally?: { passed: boolean; approvingSectors: string[] };
}

describe("a 4-validator CometBFT network", { timeout: 600_000 }, () => {
  let net: TestNetwork;
  let wallets: Wallets;
  const acknowledged: string[] = [];

  before(async () => {
    net = await TestNetwork.start(4, {
      governance: { votingPeriodMs: BigInt(VOTING_PERIOD_MS), depositPeriodMs: BigInt(VOTING_PERIOD_MS) },
    });
    wallets = new Wallets(net.net.chainId);
    await waitFor("every node to be ready", async () => {
      for (const n of net.names) if (!(await net.proc(n).client.ready())) return false;
      return true;
    });
  });

  after(async () => {
    await net?.stop();
  });

  /** The block at `h` as each named node reports it. */
  async function blocksAt(names: string[], h: bigint): Promise<BlockJson[]> {
    return Promise.all(names.map((n) => net.proc(n).client.block(h) as Promise<BlockJson>));
  }

  async function allAtLeast(names: string[], h: bigint, timeoutMs = 60_000) {
    await waitFor(
      `${names.join(",")} to reach height ${h}`,
      async () => {
        for (const n of names) if ((await net.height(n)) < h) return false;
        return true;
      },
      timeoutMs,
    );
  }

  /**
   * What a citizen's browser does: take a state answer with its proof from one
   * node, and the header of the next height with its commit from CometBFT's RPC
   * of ANOTHER node, verify the commit's signatures against the trusted
   * (genesis) validator set, and the proof against the header's app hash.
   */
  async function lightVerify(keyHex: string, apiNode: string, rpcNode: string) {
    const genesis = await net.rpc<unknown>(rpcNode, "genesis");
    const trusted = parseCometGenesisValidators(genesis);
    const answer = await net.proc(apiNode).client.state(keyHex, { prove: true });
    const h = BigInt(answer.height) + 1n;
    await allAtLeast([rpcNode], h);
    const signed = parseCometCommit(await net.rpc(rpcNode, "commit", { height: h.toString() }));
    const validators = parseCometValidators(
      await net.rpc(rpcNode, "validators", { height: h.toString(), per_page: "100" }),
    );
    const header = verifyCometHeader(signed, { chainId: net.net.chainId, trustedValidators: trusted, validators });
    return { header, verified: verifyStateAnswerWithHeader(keyHex, answer, header), signed, trusted, validators };
  }

  it("commits transactions with identical app hashes on every node", async () => {
    const names = net.names;
    // Each sender through a different validator (CometBFT's mempool gossips them), its
    // transactions in sequence order: a node's mempool refuses a sequence gap.
    const perSender = await Promise.all(
      SENDERS.map(async (s, i) => {
        const client = net.proc(names[i % names.length] as string).client;
        const first = await client.submitTx(wallets.transfer(s, "alice", 1000n).bytes, { wait: "check" });
        const second = await client.submitTx(wallets.transfer(s, "bob", 2000n).bytes, { wait: "commit" });
        return [first, second];
      }),
    );
    // A sender's earlier transaction is committed no later than its last one.
    const results = await Promise.all(
      perSender.flat().map(async (r) => {
        // CometBFT indexes transactions just after the commit, and node 0 may be a block behind.
        const t = await waitFor(
          "the transaction to be indexed",
          () => net.proc(names[0] as string).client.tx(r.hash),
          10_000,
        );
        return { hash: r.hash, code: t.result.code, log: t.result.log, height: t.height };
      }),
    );
    for (const r of results) {
      assert.equal(r.code, 0, r.log);
      acknowledged.push(r.hash);
    }
    const top = results.reduce((m, r) => (BigInt(r.height ?? "0") > m ? BigInt(r.height ?? "0") : m), 0n);
    await allAtLeast(names, top + 1n);
    for (let h = 1n; h <= top + 1n; h++) {
      const bs = await blocksAt(names, h);
      for (const b of bs) {
        assert.equal(b.hash, bs[0]?.hash, `block hash at ${h}`);
        assert.equal(b.resultAppHash, bs[0]?.resultAppHash, `app hash after ${h}`);
      }
    }
    // A forged signature is refused before it reaches CometBFT, with the chain's code.
    const good = wallets.transfer("alice", "bob", 1n);
    const forged = new Uint8Array(good.bytes);
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1;
    await assert.rejects(net.proc(names[1] as string).client.submitTx(forged, { wait: "commit" }), (e: unknown) =>
      TxErrors.badSignature.is(e),
    );
    const bal = await net.proc(names[3] as string).client.account(wallets.key("alice").address);
    assert.ok(bal.balances.some((c) => c.denom === "ucity" && BigInt(c.amount) >= 1_000_000_000n + 3000n));
  });

  it("takes a batch of one account's consecutive sequences in order", async () => {
    const txs = Array.from({ length: 60 }, () => wallets.transfer("bank", "alice", 7n));
    const { results } = await net.proc(net.names[2] as string).client.submitTxs(
      txs.map((t) => t.bytes),
      { wait: "commit" },
    );
    assert.equal(results.length, 60);
    for (const r of results) {
      assert.equal(r.status, 200, JSON.stringify(r));
      assert.equal(r.result?.code, 0, r.result?.log);
      if (r.result) acknowledged.push(r.result.hash);
    }
  });

  it("is readable by @cosmjs/tendermint-rpc's Comet38Client", async () => {
    const client = await Comet38Client.connect(`http://127.0.0.1:${net.node(net.names[0] as string).rpcPort}`);
    try {
      const tx = await client.tx({ hash: Buffer.from(acknowledged[0] as string, "hex") });
      assert.equal(tx.result.code, 0);
      const block = await client.block(tx.height);
      assert.equal(block.block.header.chainId, net.net.chainId);
      assert.ok(block.block.txs.some((t) => Buffer.from(t).equals(Buffer.from(tx.tx))));
      const results = await client.blockResults(tx.height);
      assert.equal(results.results[tx.index]?.code, 0);
      assert.ok(results.results[tx.index]?.events.some((e) => e.type === "bank.transfer"));
    } finally {
      client.disconnect();
    }
  });

  it("lets a client verify a state proof against a header signed by more than 2/3 of the validators", async () => {
    const [a, b] = net.names as [string, string];
    const present = toHex(utf8("app/chain_id"));
    const { verified, signed, trusted } = await lightVerify(present, a, b);
    assert.equal(verified.anchored, true);
    assert.ok(verified.value && verified.value.length > 0);
    const absent = await lightVerify(toHex(utf8("no/such/key")), b, a);
    assert.equal(absent.verified.anchored, true);
    assert.equal(absent.verified.value, undefined);
    // An under-signed commit (two of four signatures dropped) is refused.
    const sigs = signed.commit.signatures.map((x, i) =>
      i < 2
        ? { ...x, flag: CometBlockIdFlag.Absent, validatorAddress: new Uint8Array(0), signature: new Uint8Array(0) }
        : x,
    );
    const under = { ...signed, commit: { ...signed.commit, signatures: sigs } } as typeof signed;
    assert.throws(
      () => verifyCometHeader(under, { chainId: net.net.chainId, trustedValidators: trusted }),
      (e: unknown) => e instanceof UrbisError && e.def === LightErrors.insufficientPower,
    );
  });

  it("keeps going when a validator is killed with -9 during load, loses no acknowledged transaction, and the validator catches up", async () => {
    const [a, b, , victim] = net.names as [string, string, string, string];
    let stop = false;
    const load = (async () => {
      let i = 0;
      while (!stop) {
        const sender = SENDERS[i++ % SENDERS.length] as string;
        const t = wallets.transfer(sender, "bob", 1n);
        const r = await net.proc(i % 2 ? a : b).client.submitTx(t.bytes, { wait: "commit" });
        assert.equal(r.code, 0, r.log);
        acknowledged.push(r.hash);
      }
    })();
    await new Promise((r) => setTimeout(r, 1500));
    const before = await net.height(a);
    await net.kill9(victim);
    await allAtLeast([a, b], before + 5n);
    stop = true;
    await load;
    for (const hash of acknowledged) {
      const t = await waitFor("an acknowledged transaction", () => net.proc(b).client.tx(hash), 10_000);
      assert.equal(t.result.code, 0);
    }
    await net.startNode(victim);
    const target = await net.height(a);
    await allAtLeast([victim], target, 90_000);
    const [x, y] = await blocksAt([a, victim], target);
    assert.equal(y?.hash, x?.hash);
    assert.equal(y?.resultAppHash, x?.resultAppHash);
  });

  it("halts without two thirds of the power, never forks, and resumes when one validator returns", async () => {
    const [a, b, c, d] = net.names as [string, string, string, string];
    await net.kill9(c);
    await net.kill9(d);
    // Let any height already in flight finish, then check that nothing more is committed.
    await new Promise((r) => setTimeout(r, 2000));
    const stalled = await net.height(a);
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(await net.height(a), stalled, "no block without 2/3 of the voting power");
    assert.ok((await net.height(b)) <= stalled);
    await net.startNode(c);
    await allAtLeast([a, b, c], stalled + 3n, 90_000);
    for (let h = stalled - 2n; h <= stalled + 3n; h++) {
      const bs = await blocksAt([a, b, c], h);
      for (const x of bs) assert.equal(x.hash, bs[0]?.hash, `no fork at ${h}`);
    }
    await net.startNode(d);
    await allAtLeast([d], stalled + 3n, 90_000);
  });

  /** Every governance transaction goes through one node, so the sequences it reports are current. */
  const gateway = () => net.proc(net.names[0] as string).client;

  /** Signs `msgs` with a demo key at its on-chain sequence and waits for the commit. */
  async function send(name: string, msgs: Msg[]): Promise<SubmitResultJson> {
    const key = wallets.key(name);
    const account = await gateway().account(key.address);
    const tx = buildTx(key, { chainId: net.net.chainId, sequence: BigInt(account.sequence), messages: msgs });
    return gateway().submitTx(tx.bytes, { wait: "commit" });
  }

  /** Sends and expects success. */
  async function ok(name: string, msgs: Msg[]): Promise<SubmitResultJson> {
    const r = await send(name, msgs);
    assert.equal(r.code, 0, `${r.codespace}/${r.code}: ${r.log}`);
    return r;
  }

  /** Sends and expects the registered error `def`, whether CheckTx or the block refuses it. */
  async function refused(name: string, msgs: Msg[], def: ErrorDef): Promise<void> {
    const want = `${def.codespace}/${def.code}`;
    try {
      const r = await send(name, msgs);
      assert.equal(`${r.codespace}/${r.code}`, want, r.log);
    } catch (e) {
      if (!(e instanceof UrbisApiError)) throw e;
      assert.equal(`${e.codespace}/${e.code}`, want, e.message);
    }
  }

  /**
   * What a refused change must leave alone: the app's validator set, the proposals, the sender's account.
   * The account answer's `height` is the height it was read at, not state: the network keeps
   * making blocks between two reads, so it is left out.
   */
  async function snapshot(sender: string) {
    const c = gateway();
    const [validators, proposals, { height: _readAt, ...account }] = await Promise.all([
      c.query("validator", "validators").then((r) => r.value),
      c.query("gov", "proposals").then((r) => r.value),
      c.account(wallets.key(sender).address),
    ]);
    return { validators, proposals, account };
  }

  /** The validator key (raw bytes) of a node. */
  const keyOf = (name: string) => new Uint8Array(Buffer.from(nodeValidatorKey(net.node(name)), "base64"));

  async function proposal(id: bigint): Promise<ProposalJson> {
    return (await gateway().query("gov", "proposal", { id: id.toString() })).value as ProposalJson;
  }

  it("refuses validator changes signed by an account, or too large for one block, and changes nothing", async () => {
    const [, , c, d] = net.names as [string, string, string, string];
    const minDeposit = BigInt(((await gateway().query("gov", "params")).value as { minDeposit: string }).minDeposit);
    const stranger = { name: "stranger", publicKey: wallets.key("stranger").publicKey, power: 1n };

    // The old genesis authority and an organization's admin alike: only an executing proposal may.
    for (const signer of ["treasury", ADMIN.cityHall]) {
      const before = await snapshot(signer);
      await refused(signer, [addValidatorMsg.wrap(stranger)], AppErrors.governanceOnly);
      assert.deepEqual(await snapshot(signer), before, `${signer}'s refused validator/add changed nothing`);
    }

    // The gov module runs a proposal's messages at submission: a change above a third
    // of the power in one block never reaches a vote, and no deposit is taken.
    const tooLarge: [string, Msg[]][] = [
      // 10 + 10 of 40: the second removal crosses the third.
      [
        "remove two of the four genesis validators",
        [removeValidatorMsg.wrap({ publicKey: keyOf(c) }), removeValidatorMsg.wrap({ publicKey: keyOf(d) })],
      ],
      // +90 of 40.
      ["raise one validator from 10 to 100", [setValidatorPowerMsg.wrap({ publicKey: keyOf(d), power: 100n })]],
    ];
    for (const [title, messages] of tooLarge) {
      const before = await snapshot(ADMIN.cityHall);
      await refused(
        ADMIN.cityHall,
        [submitProposalMsg.wrap({ title, summary: "too large for one block", messages, initialDeposit: minDeposit })],
        ValidatorErrors.changeTooLarge,
      );
      assert.deepEqual(await snapshot(ADMIN.cityHall), before, `refused "${title}" changed nothing`);
    }
    // The network still signs with the four genesis validators.
    const vals = await net.rpc<{ validators: unknown[] }>(net.names[0] as string, "validators");
    assert.equal(vals.validators.length, 4);
  });

  it("lets a fresh node join by state sync, then makes it a validator through a governance proposal", async () => {
    const a = net.names[0] as string;
    // Snapshots are taken every 20 heights; trust a recent header.
    const h = (await net.height(a)) - 1n;
    const commit = await net.rpc<{ signed_header: { commit: { block_id: { hash: string } } } }>(a, "commit", {
      height: h.toString(),
    });
    const joiner = await net.addNode({
      stateSync: { trustHeight: h, trustHash: commit.signed_header.commit.block_id.hash },
    });
    const name = joiner.node.name;
    const target = (await net.height(a)) + 2n;
    await allAtLeast([name], target, 120_000);
    const [x, y] = await blocksAt([a, name], target);
    assert.equal(y?.resultAppHash, x?.resultAppHash);
    // It restored a snapshot instead of replaying: CometBFT has no early blocks.
    const status = await net.rpc<{ sync_info: { earliest_block_height: string } }>(name, "status");
    assert.ok(BigInt(status.sync_info.earliest_block_height) > 1n, "joined by state sync, not from block 1");

    // The city hall proposes the new node's key with the minimum deposit; government (3),
    // health (2) and finance (2) vote yes: 7 of 12 (quorum 6) across three sectors (the minimum).
    const minDeposit = BigInt(((await gateway().query("gov", "params")).value as { minDeposit: string }).minDeposit);
    const submitted = await ok(ADMIN.cityHall, [
      submitProposalMsg.wrap({
        title: `Make ${name}'s node a validator`,
        summary: "it joined by state sync and is caught up",
        messages: [addValidatorMsg.wrap({ name, publicKey: keyOf(name), power: 10n })],
        initialDeposit: minDeposit,
      }),
    ]);
    const id = BigInt(
      submitted.events?.find((e) => e.type === "gov.proposal_submitted")?.attributes.find((x) => x.key === "id")
        ?.value ?? "0",
    );
    assert.ok(id > 0n, "gov.proposal_submitted carries the id");
    assert.equal((await proposal(id)).status, "voting_period", "the minimum deposit opens the vote at once");
    await Promise.all(
      [ADMIN.cityHall, ADMIN.hospital, ADMIN.bank].map((admin) =>
        ok(admin, [voteMsg.wrap({ proposalId: id, option: "yes" })]),
      ),
    );
    const p = await waitFor(
      `proposal ${id} to be decided`,
      async () => {
        const q = await proposal(id);
        return ["voting_period", "passed"].includes(q.status) ? undefined : q;
      },
      VOTING_PERIOD_MS + 60_000,
    );
    assert.equal(p.status, "executed", JSON.stringify(p));
    assert.deepEqual([...(p.finalTally?.approvingSectors ?? [])].sort(), ["finance", "government", "health"]);
    const at = BigInt(p.executedHeight ?? "0");
    assert.ok(at > 0n, "an executed proposal records its height");

    // CometBFT signs with the set changed in block H from H + 2.
    const vals = await net
      .rpc<{ validators: { address: string }[] }>(a, "validators", { height: (at + 2n).toString() })
      .catch(async () => {
        await allAtLeast([a], at + 2n);
        return net.rpc<{ validators: { address: string }[] }>(a, "validators", { height: (at + 2n).toString() });
      });
    assert.equal(vals.validators.length, 5);
    const address = (await net.rpc<{ validator_info: { address: string } }>(name, "status")).validator_info.address;
    assert.ok(vals.validators.some((v) => v.address === address));
    // A light client that trusts only the genesis set still verifies headers of the new set (>1/3 of it signed).
    const after = await lightVerify(toHex(utf8("app/chain_id")), a, name);
    assert.equal(after.verified.anchored, true);
    assert.equal(after.validators.validators.length, 5);
    // It signs: its precommit is in a later commit.
    await waitFor("the new validator to sign a block", async () => {
      const c = await net.rpc<{
        signed_header: { commit: { signatures: { validator_address: string; block_id_flag: number }[] } };
      }>(a, "commit");
      return c.signed_header.commit.signatures.some((s) => s.validator_address === address && s.block_id_flag === 2);
    });
  });
});
