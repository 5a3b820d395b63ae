/**
 * Shared fixtures for solo-engine tests: deterministic accounts, a genesis
 * funding them with the city currency, and signed bank transfers.
 */
import { addressOf, encodeTx, publicKeyOf, sendMsg, sha256, signTx, type Tx, utf8 } from "@urbis/protocol";
import { authModule, bankModule, type CommitStore, type GenesisDoc, UrbisApp } from "@urbis/state";
import { nativeEd25519Verifier } from "../../packages/node/src/crypto/ed25519.js";

/** A key pair and its address. */
export interface TestAccount {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  address: string;
}

/** The test chain's currency. */
export const TEST_DENOM = "ucity";
/** The test chain's id. */
export const TEST_CHAIN_ID = "urbis-solo-test";

/** Account number `i` of a deterministic family (same seed, same keys, on every run). */
export function testAccount(i: number, seed = "solo-test"): TestAccount {
  const secretKey = sha256(utf8(`${seed}/${i}`));
  const publicKey = publicKeyOf(secretKey);
  return { secretKey, publicKey, address: addressOf(publicKey) };
}

/** `n` deterministic accounts. */
export function testAccounts(n: number, seed = "solo-test"): TestAccount[] {
  return Array.from({ length: n }, (_, i) => testAccount(i, seed));
}

/**
 * A genesis giving each account `balance` of {@link TEST_DENOM}; account 0 is
 * the currency's issuer. Other modules' sections (e.g. `org` founders, `gov`
 * parameters with short periods) go in `sections`; without them those
 * modules start from their defaults (no organizations).
 */
export function testGenesis(opts: {
  accounts: TestAccount[];
  chainId?: string;
  balance?: bigint;
  genesisTime?: string;
  maxTxsPerWindow?: number;
  sections?: Record<string, unknown>;
}): GenesisDoc {
  const issuer = opts.accounts[0];
  if (!issuer) throw new RangeError("testGenesis needs at least one account");
  return {
    chainId: opts.chainId ?? TEST_CHAIN_ID,
    genesisTime: opts.genesisTime ?? "2025-01-01T00:00:00.000Z",
    initialHeight: "1",
    appState: {
      auth: { params: { maxTxsPerWindow: String(opts.maxTxsPerWindow ?? 1_000_000), windowBlocks: "10" } },
      bank: {
        params: { assetCreators: [issuer.address] },
        assets: [{ denom: TEST_DENOM, name: "Test Credit", symbol: "TC", decimals: 6, issuer: issuer.address }],
        balances: opts.accounts.map((a) => ({
          address: a.address,
          coins: [{ denom: TEST_DENOM, amount: (opts.balance ?? 1_000_000_000n).toString() }],
        })),
      },
      ...opts.sections,
    },
  };
}

/** A signed transaction moving `amount` from `from` to `to`. */
export function transferTxObject(
  from: TestAccount,
  sequence: bigint,
  to: string,
  amount: bigint,
  opts: { chainId?: string; memo?: string } = {},
): Tx {
  return signTx(
    {
      chainId: opts.chainId ?? TEST_CHAIN_ID,
      signer: from.address,
      publicKey: from.publicKey,
      sequence,
      messages: [sendMsg.wrap({ to, denom: TEST_DENOM, amount })],
      memo: opts.memo ?? "",
      expiresAtHeight: undefined,
    },
    from.secretKey,
  );
}

/** Canonical bytes of a signed transfer. */
export function transferTx(
  from: TestAccount,
  sequence: bigint,
  to: string,
  amount: bigint,
  opts: { chainId?: string; memo?: string } = {},
): Uint8Array {
  return encodeTx(transferTxObject(from, sequence, to, amount, opts));
}

/** An App with the standard modules over `store`, as startSoloNode builds it. */
export function testApp(store: CommitStore): UrbisApp {
  return new UrbisApp({ store, modules: [authModule(), bankModule()], verifier: nativeEd25519Verifier });
}
