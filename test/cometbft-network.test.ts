/**
 * A real 4-validator Urbis network on CometBFT v0.38 (four `urbis start`
 * processes, each with its CometBFT child) on loopback: consensus, crash
 * faults with kill -9, halting without 2/3, state sync, a validator added by
 * message, and reads through @cosmjs/tendermint-rpc.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { addValidatorMsg } from "@urbis/protocol";
import {
  buildTx,
  CometBlockIdFlag,
  LightErrors,
  parseCometCommit,
  parseCometGenesisValidators,
  parseCometValidators,
  TxErrors,
  toHex,
  UrbisError,
  utf8,
  verifyCometHeader,
  verifyStateAnswerWithHeader,
} from "@urbis/sdk";
import { nodeValidatorKey } from "../packages/cli/src/testnet.js";
import { TestNetwork, Wallets, waitFor } from "./helpers/network.js";

const SENDERS = ["treasury", "hospital", "bank"] as const;

interface BlockJson {
  hash: string;
  resultAppHash: string;
}

describe("a 4-validator CometBFT network", { timeout: 600_000 }, () => {
  let net: TestNetwork;
  let wallets: Wallets;
  const acknowledged: string[] = [];

  before(async () => {
    net = await TestNetwork.start(4);
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

  it("lets a fresh node join by state sync, then makes it a validator through validator/add", async () => {
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

    // The genesis authority (the demo treasury) adds the new node's key as a validator.
    const key = Buffer.from(nodeValidatorKey(joiner.node), "base64");
    const tx = buildTx(wallets.key("treasury"), {
      chainId: net.net.chainId,
      sequence: wallets.next("treasury"),
      messages: [addValidatorMsg.wrap({ name, publicKey: new Uint8Array(key), power: 10n })],
    });
    const r = await net.proc(a).client.submitTx(tx.bytes, { wait: "commit" });
    assert.equal(r.code, 0, r.log);
    const at = BigInt(r.height ?? "0");
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
