/**
 * Store keys of the bank module. Balances are keyed by the holder's 20 address
 * bytes then the denom, so one account's balances are a single prefix scan and
 * come out in denom order. Addresses have a fixed length, so no separator is needed.
 */
import { ADDRESS_LENGTH, concatBytes, decodeAddress, encodeAddress, fromUtf8, utf8 } from "@urbis/protocol";

/** Every bank key starts with this prefix. */
export const BANK_PREFIX = utf8("bank/");
/** Prefix of every balance: `bank/bal/` ‖ address (20 bytes) ‖ denom (UTF-8). Value: u128. */
export const BANK_BALANCE_PREFIX = utf8("bank/bal/");
/** Prefix of every asset record: `bank/asset/` ‖ denom. Value: AssetInfo (with the supply). */
export const BANK_ASSET_PREFIX = utf8("bank/asset/");
/** Key of the bank parameters record. */
export const BANK_PARAMS_KEY = utf8("bank/params");

/** Prefix of all balances of one account. */
export function accountBalancesPrefix(address: string): Uint8Array {
  return concatBytes(BANK_BALANCE_PREFIX, decodeAddress(address));
}

/** Key of one balance. */
export function balanceKey(address: string, denom: string): Uint8Array {
  return balanceKeyOf(decodeAddress(address), denom);
}

/** {@link balanceKey} of an address given as its 20 raw bytes. */
export function balanceKeyOf(rawAddress: Uint8Array, denom: string): Uint8Array {
  return concatBytes(BANK_BALANCE_PREFIX, rawAddress, utf8(denom));
}

/** Holder and denom of a full balance key (inverse of {@link balanceKey}). */
export function parseBalanceKey(key: Uint8Array): { address: string; denom: string } {
  const start = BANK_BALANCE_PREFIX.length;
  return {
    address: encodeAddress(key.subarray(start, start + ADDRESS_LENGTH)),
    denom: fromUtf8(key.subarray(start + ADDRESS_LENGTH)),
  };
}

/** Key of an asset record. */
export function assetKey(denom: string): Uint8Array {
  return concatBytes(BANK_ASSET_PREFIX, utf8(denom));
}
