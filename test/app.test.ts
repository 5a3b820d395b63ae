/**
 * App-level tests of auth + bank through real signed transactions on the
 * real Merkle store: genesis, CheckTx, FinalizeBlock and Commit, every kind of
 * bad input with its code and unchanged state and app hash, and determinism
 * across fresh apps.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addressOf,
  bytesEqual,
  concatBytes,
  decodeTx,
  encode,
  encodeTx,
  fromUtf8,
  hasPrefix,
  MAX_TX_BYTES,
  MAX_U128,
  type Msg,
  mintMsg,
  multiSendMsg,
  prefixEnd,
  publicKeyOf,
  randomSecretKey,
  sendMsg,
  signTx,
  type TxBody,
  TxErrors,
  toHex,
  utf8,
} from "@urbis/protocol";
import { authModule, bankModule, CheckTxType, type TxResult, UrbisApp } from "@urbis/state";
import { MemoryCommitStore } from "@urbis/store";

const CHAIN = "urbis-test-1";
const GENESIS_MS = 1_700_000_000_000n;

interface Key {
  sk: Uint8Array;
  pk: Uint8Array;
  addr: string;
}
function newKey(): Key {
  const sk = randomSecretKey();
  const pk = publicKeyOf(sk);
  return { sk, pk, addr: addressOf(pk) };
}
const treasury = newKey();
const alice = newKey();
const bob = newKey();
const mallory = newKey();

/** A demo genesis: the city currency `urbs` (issuer: the treasury) and bob's capped `tok`. */
function demoGenesis(): Record<string, unknown> {
  return {
    auth: { params: { maxTxsPerWindow: 5, windowBlocks: "100" } },
    bank: {
      params: { assetCreators: [treasury.addr] },
      assets: [
        { denom: "urbs", name: "Urbis City Credit", symbol: "URB", decimals: 2, issuer: treasury.addr },
        { denom: "tok", name: "Bob Token", symbol: "TOK", decimals: 0, issuer: bob.addr, maxSupply: "1000" },
      ],
      balances: [
        { address: treasury.addr, coins: [{ denom: "urbs", amount: "1000000" }] },
        { address: alice.addr, coins: [{ denom: "urbs", amount: "10000" }] },
        { address: bob.addr, coins: [{ denom: "tok", amount: "500" }] },
      ],
    },
  };
}

/** Signed transaction bytes. */
function tx(
  k: Key,
  sequence: bigint,
  messages: Msg[],
  over: Partial<TxBody> = {},
  signWith: Uint8Array = k.sk,
): Uint8Array {
  const body: TxBody = {
    chainId: CHAIN,
    signer: k.addr,
    publicKey: k.pk,
    sequence,
    messages,
    memo: "",
    expiresAtHeight: undefined,
    ...over,
  };
  return encodeTx(signTx(body, signWith));
}

const send = (to: Key, amount: bigint, denom = "urbs") => sendMsg.wrap({ to: to.addr, denom, amount });

/** An app on a fresh store, after InitChain with the demo genesis. */
function newChain() {
  const store = new MemoryCommitStore();
  const app = new UrbisApp({ store, modules: [authModule(), bankModule()], invariantPeriod: 1 });
  const init = app.initChain({ chainId: CHAIN, timeMs: GENESIS_MS, initialHeight: 1n, appState: demoGenesis() });
  let height = 0n;
  const chain = {
    app,
    store,
    init,
    /** Finalizes and commits one block; returns its results and app hash. */
    async block(txs: Uint8Array[]): Promise<{ results: TxResult[]; appHash: Uint8Array }> {
      height += 1n;
      const res = app.finalizeBlock({ txs, height, timeMs: GENESIS_MS + height * 1000n });
      await app.commit();
      assert.ok(bytesEqual(store.rootAt(height)!, res.appHash));
      return { results: res.txResults, appHash: res.appHash };
    },
    check(raw: Uint8Array) {
      return app.checkTx({ tx: raw, type: CheckTxType.New });
    },
    query(path: string, params: Record<string, string>): any {
      const r = app.query({ path, data: utf8(JSON.stringify(params)), height: 0n, prove: false });
      assert.equal(r.code, 0, r.log);
      return JSON.parse(fromUtf8(r.value));
    },
    balance(k: Key, denom = "urbs"): bigint {
      return BigInt(chain.query("/bank/balance", { address: k.addr, denom }).amount);
    },
    sequence(k: Key): bigint {
      return BigInt(chain.query("/auth/account", { address: k.addr }).sequence);
    },
    /** Every committed key under `prefix`, as hex pairs. */
    dump(prefix = ""): string[] {
      const p = utf8(prefix);
      const out: string[] = [];
      for (const [k, v] of store.latest().iterate(p, prefix ? prefixEnd(p) : undefined)) {
        if (hasPrefix(k, p)) out.push(`${toHex(k)}=${toHex(v)}`);
      }
      return out;
    },
    lastHash(): Uint8Array {
      return store.rootAt(store.lastVersion())!;
    },
  };
  return chain;
}

function expectCode(r: { code: number; codespace: string; log: string }, codespace: string, code: number): void {
  assert.deepEqual([r.codespace, r.code], [codespace, code], r.log);
}

describe("App with auth and bank", () => {
  it("initChain, checkTx, finalizeBlock and commit of transfers", async () => {
    const c = newChain();
    assert.equal(c.init.appHash.length, 32);
    const t1 = tx(alice, 0n, [send(bob, 1500n)]);
    const t2 = tx(treasury, 0n, [
      multiSendMsg.wrap({
        outputs: [
          { to: alice.addr, denom: "urbs", amount: 100n },
          { to: bob.addr, denom: "urbs", amount: 200n },
        ],
      }),
    ]);
    expectCode(c.check(t1), "", 0);
    expectCode(c.check(t2), "", 0);
    // The mempool state moved on: the same sequence again is a replay.
    expectCode(c.check(t1), "tx", 6);

    const { results, appHash } = await c.block([t1, t2]);
    assert.deepEqual(
      results.map((r) => r.code),
      [0, 0],
    );
    assert.deepEqual(results[0]!.events, [
      {
        type: "bank.transfer",
        attributes: [
          { key: "sender", value: alice.addr },
          { key: "recipient", value: bob.addr },
          { key: "denom", value: "urbs" },
          { key: "amount", value: "1500" },
        ],
      },
    ]);
    assert.equal(results[1]!.events.length, 2);
    assert.ok(bytesEqual(c.app.info().lastBlockAppHash, appHash));
    assert.equal(c.app.info().lastBlockHeight, 1n);
    assert.ok(!bytesEqual(appHash, c.init.appHash));

    assert.equal(c.balance(alice), 10000n - 1500n + 100n);
    assert.equal(c.balance(bob), 1700n);
    assert.equal(c.balance(treasury), 1_000_000n - 300n);
    assert.equal(c.sequence(alice), 1n);
    assert.deepEqual(c.query("/bank/supply", { denom: "urbs" }), { denom: "urbs", supply: "1010000" });

    // The next block: bob mints his token to alice, who pays some to the treasury.
    const { results: r2 } = await c.block([
      tx(bob, 0n, [mintMsg.wrap({ denom: "tok", to: alice.addr, amount: 300n })]),
      tx(alice, 1n, [send(treasury, 50n, "tok")]),
    ]);
    assert.deepEqual(
      r2.map((r) => r.code),
      [0, 0],
    );
    assert.equal(c.balance(alice, "tok"), 250n);
    assert.deepEqual(c.query("/bank/supply", { denom: "tok" }), { denom: "tok", supply: "800" });
    c.app.assertInvariants();
  });

  describe("refuses bad envelopes with their code, changing no state and no app hash", () => {
    const cases: [string, (c: ReturnType<typeof newChain>) => Uint8Array, string, number][] = [
      ["malformed bytes", () => new Uint8Array([1, 2, 3]), "tx", 1],
      ["truncated bytes", () => tx(alice, 1n, [send(bob, 1n)]).slice(0, -1), "tx", 1],
      ["trailing bytes", () => concatBytes(tx(alice, 1n, [send(bob, 1n)]), new Uint8Array([0])), "tx", 1],
      ["oversized bytes", () => new Uint8Array(MAX_TX_BYTES + 1), "tx", 2],
      [
        "an oversized signed transaction",
        () => {
          // Two multi-sends, each within the per-message byte limit, together beyond the transaction limit.
          const out = { to: bob.addr, denom: "x".repeat(64), amount: 1n };
          const big = multiSendMsg.wrap({ outputs: new Array(600).fill(out) });
          const raw = tx(alice, 1n, [big, big]);
          assert.ok(raw.length > MAX_TX_BYTES);
          return raw;
        },
        "tx",
        2,
      ],
      ["a wrong chain id", () => tx(alice, 1n, [send(bob, 1n)], { chainId: "other-chain" }), "tx", 3],
      [
        "a bad signature",
        () => {
          const raw = tx(alice, 1n, [send(bob, 1n)]);
          raw[raw.length - 1] = raw[raw.length - 1]! ^ 0x01;
          return raw;
        },
        "tx",
        4,
      ],
      [
        "a signer that the public key does not derive",
        () => tx(alice, 1n, [send(bob, 1n)], { publicKey: mallory.pk }, mallory.sk),
        "tx",
        5,
      ],
      ["a sequence gap", () => tx(alice, 7n, [send(bob, 1n)]), "tx", 6],
      ["a replayed transaction", () => tx(alice, 0n, [send(bob, 1500n)]), "tx", 6],
      ["an expired transaction", () => tx(alice, 1n, [send(bob, 1n)], { expiresAtHeight: 1n }), "tx", 7],
      ["an unknown message type", () => tx(alice, 1n, [{ type: "bank/steal", value: new Uint8Array(0) }]), "tx", 8],
      ["no messages", () => tx(alice, 1n, []), "tx", 9],
    ];
    for (const [name, make, codespace, code] of cases) {
      it(name, async () => {
        const c = newChain();
        await c.block([tx(alice, 0n, [send(bob, 1500n)])]);
        const raw = make(c);
        const before = c.dump();
        const hashBefore = c.lastHash();
        expectCode(c.check(raw), codespace, code);
        // The check state is untouched: alice's real next transaction still passes CheckTx.
        expectCode(c.check(tx(alice, 1n, [send(bob, 1n)], { memo: "probe" })), "", 0);
        const { results, appHash } = await c.block([raw]);
        expectCode(results[0]!, codespace, code);
        assert.deepEqual(c.dump(), before);
        assert.ok(bytesEqual(appHash, hashBefore), "app hash changed");
      });
    }
  });

  describe("refuses bad messages with their code: the sequence is consumed, balances are unchanged", () => {
    /** Hand-crafted `bank/send` value bytes: address, denom, then raw amount bytes. */
    const rawSend = (to: Key, amountBytes: Uint8Array): Msg => {
      const prefix = encode(sendMsg.codec, { to: to.addr, denom: "urbs", amount: 0n }).slice(0, -16);
      return { type: "bank/send", value: concatBytes(prefix, amountBytes) };
    };
    const cases: [string, () => Uint8Array, string, number][] = [
      ["insufficient funds", () => tx(alice, 1n, [send(bob, 10_001n)]), "bank", 1],
      ["an unknown denom", () => tx(alice, 1n, [send(bob, 1n, "nope")]), "bank", 2],
      ["a zero amount", () => tx(alice, 1n, [send(bob, 0n)]), "bank", 4],
      [
        "a mint by a non-issuer",
        () => tx(alice, 1n, [mintMsg.wrap({ denom: "urbs", to: alice.addr, amount: 1n })]),
        "bank",
        7,
      ],
      [
        "a mint whose all-ones (MAX_U128) amount overflows the supply",
        () => {
          const prefix = encode(mintMsg.codec, { denom: "urbs", to: treasury.addr, amount: 0n }).slice(0, -16);
          return tx(treasury, 0n, [{ type: "bank/mint", value: concatBytes(prefix, new Uint8Array(16).fill(0xff)) }]);
        },
        "bank",
        5,
      ],
      [
        "a mint past the supply cap",
        () => tx(bob, 0n, [mintMsg.wrap({ denom: "tok", to: bob.addr, amount: 501n })]),
        "bank",
        6,
      ],
      [
        "hand-crafted amount bytes one byte longer than a u128",
        () => tx(alice, 1n, [rawSend(bob, concatBytes(new Uint8Array(16), new Uint8Array([1])))]),
        "tx",
        1,
      ],
      [
        "a multi-send whose outputs add up beyond u128",
        () =>
          tx(alice, 1n, [
            multiSendMsg.wrap({
              outputs: [
                { to: bob.addr, denom: "urbs", amount: MAX_U128 },
                { to: treasury.addr, denom: "urbs", amount: MAX_U128 },
              ],
            }),
          ]),
        "bank",
        5,
      ],
      [
        "a multi-send failing at its last output",
        () =>
          tx(alice, 1n, [
            multiSendMsg.wrap({
              outputs: [
                { to: bob.addr, denom: "urbs", amount: 5000n },
                { to: treasury.addr, denom: "urbs", amount: 3000n },
                { to: treasury.addr, denom: "urbs", amount: 3000n },
              ],
            }),
          ]),
        "bank",
        1,
      ],
      [
        "a second message failing after a good first one",
        () => tx(alice, 1n, [send(bob, 10n), send(bob, 1_000_000n)]),
        "bank",
        1,
      ],
    ];
    for (const [name, make, codespace, code] of cases) {
      it(name, async () => {
        const c = newChain();
        await c.block([tx(alice, 0n, [send(bob, 1500n)])]);
        const raw = make();
        const bank = c.dump("bank/");
        const signer = [alice, bob, treasury].find((k) => k.addr === decodeTx(raw).body.signer)!;
        const seq = c.sequence(signer);
        expectCode(c.check(raw), codespace, code);
        const { results } = await c.block([raw]);
        expectCode(results[0]!, codespace, code);
        assert.deepEqual(results[0]!.events, []);
        assert.deepEqual(c.dump("bank/"), bank, "bank state changed");
        assert.equal(c.sequence(signer), seq + 1n, "a failed transaction in a block consumes its sequence");
        // So it cannot be replayed.
        const { results: again } = await c.block([raw]);
        expectCode(again[0]!, "tx", 6);
      });
    }

    it("refuses negative and beyond-u128 amounts when encoding", () => {
      for (const amount of [-1n, MAX_U128 + 1n]) {
        assert.throws(
          () => send(bob, amount),
          (e: any) => e.id === "codec.out_of_range",
        );
      }
    });
  });

  it("limits each account's transactions per window", async () => {
    const c = newChain();
    const txs = [0n, 1n, 2n, 3n, 4n, 5n].map((s) => tx(alice, s, [send(bob, 1n)]));
    const checks = txs.map((t) => c.check(t));
    assert.deepEqual(
      checks.map((r) => [r.codespace, r.code]),
      [...new Array(5).fill(["", 0]), ["tx", 14]],
    );
    const { results } = await c.block(txs);
    assert.deepEqual(
      results.map((r) => [r.codespace, r.code]),
      [...new Array(5).fill(["", 0]), ["tx", 14]],
    );
    assert.equal(c.sequence(alice), 5n);
    assert.equal(c.balance(bob), 5n);
    // Other accounts are not affected.
    const { results: r2 } = await c.block([tx(treasury, 0n, [send(bob, 1n)])]);
    assert.equal(r2[0]!.code, 0);
  });

  it("is deterministic: two fresh apps fed the same blocks give identical app hashes", async () => {
    const blocks: Uint8Array[][] = [
      [tx(alice, 0n, [send(bob, 100n)]), tx(treasury, 0n, [send(alice, 5n)]), new Uint8Array([9, 9])],
      [
        tx(bob, 0n, [mintMsg.wrap({ denom: "tok", to: alice.addr, amount: 10n })]),
        tx(alice, 1n, [send(bob, 1_000_000n)]),
        tx(alice, 2n, [send(treasury, 3n, "tok")]),
      ],
      [],
      [
        tx(treasury, 1n, [
          multiSendMsg.wrap({
            outputs: [
              { to: alice.addr, denom: "urbs", amount: 7n },
              { to: bob.addr, denom: "urbs", amount: 9n },
            ],
          }),
        ]),
      ],
    ];
    const a = newChain();
    const b = newChain();
    assert.ok(bytesEqual(a.init.appHash, b.init.appHash));
    for (const txs of blocks) {
      const ra = await a.block(txs);
      const rb = await b.block(txs);
      assert.equal(toHex(ra.appHash), toHex(rb.appHash));
      assert.deepEqual(ra.results, rb.results);
    }
    assert.deepEqual(a.dump(), b.dump());
    // And the outcome is what the blocks say.
    assert.equal(a.balance(alice), 10000n - 100n + 5n + 7n);
    assert.equal(a.balance(alice, "tok"), 7n);
  });
  it("proposals for block 1 see the genesis state; ProcessProposal refuses invalid transactions", () => {
    const c = newChain();
    const good = tx(alice, 0n, [send(bob, 10n)]);
    const forged = tx(alice, 1n, [send(bob, 10n)], {}, mallory.sk);
    const proposal = c.app.prepareProposal({
      txs: [good, forged, new Uint8Array([1, 2, 3])],
      maxTxBytes: 1 << 20,
      height: 1n,
      timeMs: GENESIS_MS + 1000n,
    });
    assert.deepEqual(proposal, [good]);
    assert.equal(c.app.processProposal({ txs: [good], height: 1n, timeMs: GENESIS_MS + 1000n }), true);
    assert.equal(c.app.processProposal({ txs: [good, forged], height: 1n, timeMs: GENESIS_MS + 1000n }), false);
    // PrepareProposal respects the byte budget.
    assert.deepEqual(c.app.prepareProposal({ txs: [good], maxTxBytes: good.length - 1, height: 1n, timeMs: 0n }), []);
  });

  it("a repeated FinalizeBlock (crash replay before Commit) gives the same app hash and results", async () => {
    const c = newChain();
    await c.block([tx(alice, 0n, [send(bob, 1n)])]);
    const txs = [tx(alice, 1n, [send(bob, 2n)]), tx(treasury, 0n, [send(alice, 3n)])];
    const first = c.app.finalizeBlock({ txs, height: 2n, timeMs: GENESIS_MS + 2000n });
    const again = c.app.finalizeBlock({ txs, height: 2n, timeMs: GENESIS_MS + 2000n });
    assert.equal(toHex(first.appHash), toHex(again.appHash));
    assert.deepEqual(first.txResults, again.txResults);
    await c.app.commit();
    assert.equal(toHex(c.lastHash()), toHex(first.appHash));
  });
});

describe("Recheck", () => {
  it("checks only the envelope again: sequence and expiry, not the messages", async () => {
    const c = newChain();
    await c.block([]);
    const funds = c.balance(alice);
    // The first transfer spends everything, so the second fails its messages at admission.
    const first = tx(alice, 0n, [send(bob, funds)]);
    const second = tx(alice, 1n, [send(bob, 1n)]);
    const stale = tx(bob, 0n, [send(alice, 1n)], { expiresAtHeight: 2n });
    assert.equal(c.check(first).code, 0);
    assert.equal(c.check(second).codespace, "bank");
    assert.equal(c.check(stale).code, 0);
    const { results } = await c.block([first]);
    assert.equal(results[0]?.code, 0);
    // After block 2: the second transfer's envelope holds (sequence 1 is next) although alice is now broke …
    const again = c.app.checkTx({ tx: second, type: CheckTxType.Recheck });
    assert.equal(again.code, 0, again.log);
    assert.deepEqual(again.events, []);
    // … the block failing it records the code, and the sequence is consumed.
    const { results: r3 } = await c.block([second]);
    assert.equal(r3[0]?.codespace, "bank");
    assert.equal(c.sequence(alice), 2n);
    // The stale transaction expired at height 2: Recheck drops it.
    const expired = c.app.checkTx({ tx: stale, type: CheckTxType.Recheck });
    assert.equal(expired.code, TxErrors.expired.code);
    // A used sequence fails Recheck.
    const replay = c.app.checkTx({ tx: first, type: CheckTxType.Recheck });
    assert.equal(replay.code, TxErrors.wrongSequence.code);
  });
});
