/** Deterministic bench accounts and fast native signing of transfers. */
import { createPrivateKey, createPublicKey, sign } from "node:crypto";
import type { GenesisDoc } from "@urbis/node";
import { addressOf, encodeAddress, encodeTx, sendMsg, sha256, type Tx, txSignHash, utf8 } from "@urbis/protocol";

/** A bench account with a native key object for fast signing. */
export interface BenchAccount {
  address: string;
  publicKey: Uint8Array;
  key: ReturnType<typeof createPrivateKey>;
}

const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");

/** The i-th bench account (its seed is SHA-256("urbis-bench/<i>")). */
export function benchAccount(i: number): BenchAccount {
  const seed = sha256(utf8(`urbis-bench/${i}`));
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: "der", type: "pkcs8" });
  const spki = createPublicKey(key).export({ format: "der", type: "spki" });
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32));
  return { address: addressOf(publicKey), publicKey, key };
}

/** A signed transfer of `amount` base units from `from` to `to`, canonical bytes. */
export function signedTransfer(
  chainId: string,
  from: BenchAccount,
  to: string,
  sequence: bigint,
  amount = 1n,
): Uint8Array {
  const body = {
    chainId,
    signer: from.address,
    publicKey: from.publicKey,
    sequence,
    messages: [sendMsg.wrap({ to, denom: "ucity", amount })],
    memo: "",
    expiresAtHeight: undefined,
  };
  const signature = new Uint8Array(sign(null, txSignHash(body), from.key));
  const tx: Tx = { body, signature };
  return encodeTx(tx);
}

/** Genesis of the bench chain: the `senders` funded, plus `extraAccounts` keyless funded accounts. */
export function benchGenesis(senders: readonly string[], extraAccounts: number): GenesisDoc {
  const balances: { address: string; coins: { denom: string; amount: string }[] }[] = [];
  for (const address of senders) balances.push({ address, coins: [{ denom: "ucity", amount: "1000000000" }] });
  // Funded accounts without keys: they only make the state as large as a real city's.
  let seed = sha256(utf8("urbis-bench/extra"));
  for (let i = 0; i < extraAccounts; i++) {
    seed = sha256(seed);
    balances.push({ address: encodeAddress(seed.subarray(0, 20)), coins: [{ denom: "ucity", amount: "1" }] });
  }
  const treasury = senders[0] ?? benchAccount(0).address;
  return {
    chainId: "urbis-bench",
    genesisTime: new Date().toISOString(),
    initialHeight: "1",
    appState: {
      // Bench accounts send many transfers per block: lift the per-account rate limit.
      auth: { params: { maxTxsPerWindow: "100000", windowBlocks: "1" } },
      bank: {
        params: { assetCreators: [treasury] },
        assets: [{ denom: "ucity", name: "Urbis City Credit", symbol: "UCC", decimals: 6, issuer: treasury }],
        balances,
      },
    },
  };
}
