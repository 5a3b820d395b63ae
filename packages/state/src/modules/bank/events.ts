/** Events of the bank module. Amounts and supplies are decimal strings. */
import type { Address, AssetInfo } from "@urbis/protocol";
import { type Event, event } from "../../framework/events.js";

/** Event types the bank module emits. */
export const BANK_EVENTS = {
  transfer: "bank.transfer",
  mint: "bank.mint",
  burn: "bank.burn",
  assetCreated: "bank.asset_created",
  paramsUpdated: "bank.params_updated",
} as const;

/** `bank.params_updated` {assetCreators}: the new list, comma-separated. */
export function bankParamsUpdatedEvent(assetCreators: readonly Address[]): Event {
  return event(BANK_EVENTS.paramsUpdated, { assetCreators: assetCreators.join(",") });
}

/** `bank.transfer` {sender, recipient, denom, amount}: one per send and per multi-send output. */
export function transferEvent(sender: Address, recipient: Address, denom: string, amount: bigint): Event {
  return event(BANK_EVENTS.transfer, { sender, recipient, denom, amount });
}

/** `bank.mint` {issuer, recipient, denom, amount, supply}: `supply` is the new total. */
export function mintEvent(issuer: Address, recipient: Address, denom: string, amount: bigint, supply: bigint): Event {
  return event(BANK_EVENTS.mint, { issuer, recipient, denom, amount, supply });
}

/** `bank.burn` {issuer, denom, amount, supply}: `supply` is the new total. */
export function burnEvent(issuer: Address, denom: string, amount: bigint, supply: bigint): Event {
  return event(BANK_EVENTS.burn, { issuer, denom, amount, supply });
}

/** `bank.asset_created` {denom, issuer, name, symbol, decimals, maxSupply?}: `maxSupply` absent when uncapped. */
export function assetCreatedEvent(a: AssetInfo): Event {
  return event(BANK_EVENTS.assetCreated, {
    denom: a.denom,
    issuer: a.issuer,
    name: a.name,
    symbol: a.symbol,
    decimals: a.decimals,
    maxSupply: a.maxSupply,
  });
}
