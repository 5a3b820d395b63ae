/** Store keys of the auth module. */
import { concatBytes, decodeAddress, utf8 } from "@urbis/protocol";

/** Every auth key starts with this prefix. */
export const AUTH_PREFIX = utf8("auth/");
const ACCOUNT = utf8("auth/acc/");
/** Key of the parameters record. */
export const PARAMS_KEY = utf8("auth/params");

/** Key of an account record. */
export function accountKey(address: string): Uint8Array {
  return concatBytes(ACCOUNT, decodeAddress(address));
}
/** Prefix of all account records. */
export const ACCOUNT_PREFIX = ACCOUNT;
