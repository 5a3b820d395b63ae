/**
 * The demo city: well-known, deterministic keys for a treasury, a hospital, a
 * bank and two citizens. Their secrets are public (derived from their names),
 * so the demo network must never hold anything of value.
 */
import { KeyPair, sha256, utf8 } from "@urbis/sdk";
import { DEFAULT_CURRENCY, type GenesisSpec } from "./genesis.js";

/** Passphrase of the demo keys' keystore files. */
export const DEMO_PASSPHRASE = "demo";

/** Demo accounts and their opening balances in UCC. */
export const DEMO_ACCOUNTS = [
  { name: "treasury", ucc: 1_000_000_000n, creator: true },
  { name: "hospital", ucc: 1_000_000n, creator: false },
  { name: "bank", ucc: 10_000_000n, creator: true },
  { name: "alice", ucc: 1_000n, creator: false },
  { name: "bob", ucc: 1_000n, creator: false },
] as const;

/** The deterministic key of a demo account. */
export function demoKey(name: string): KeyPair {
  return KeyPair.fromSecret(sha256(utf8(`urbis-demo-key/${name}`)));
}

/** Genesis inputs of the demo city. */
export function demoGenesisSpec(chainId = "urbis-demo-1"): GenesisSpec {
  const unit = 10n ** BigInt(DEFAULT_CURRENCY.decimals);
  return {
    chainId,
    genesisTime: new Date(),
    currency: DEFAULT_CURRENCY,
    treasury: demoKey("treasury").address,
    balances: DEMO_ACCOUNTS.map((a) => ({ address: demoKey(a.name).address, amount: a.ucc * unit })),
    assetCreators: DEMO_ACCOUNTS.filter((a) => a.creator).map((a) => demoKey(a.name).address),
  };
}
