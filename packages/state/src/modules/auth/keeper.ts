/** Auth keeper: sequences (replay protection) and per-account rate limits. */
import {
  type AccountState,
  type AuthParams,
  accountCodec,
  authParamsCodec,
  bytesEqual,
  DEFAULT_AUTH_PARAMS,
  decode,
  encode,
  TxErrors,
} from "@urbis/protocol";
import type { KVRead, KVStore } from "../../framework/store.js";
import { accountKey, PARAMS_KEY } from "./keys.js";

const EMPTY: AccountState = { sequence: 0n, windowStart: 0n, windowCount: 0 };

/** What other modules may read of auth. */
export interface AuthView {
  account(store: KVRead, address: string): AccountState;
  params(store: KVRead): AuthParams;
}

/** Auth keeper. */
export class AuthKeeper implements AuthView {
  account(store: KVRead, address: string): AccountState {
    const raw = store.get(accountKey(address));
    return raw ? decode(accountCodec, raw) : EMPTY;
  }
  private memo: { raw: Uint8Array; params: AuthParams } | undefined;

  params(store: KVRead): AuthParams {
    const raw = store.get(PARAMS_KEY);
    if (!raw) return DEFAULT_AUTH_PARAMS;
    // Read on every transaction but changed almost never: reuse the decoded value while the bytes match.
    if (this.memo && bytesEqual(this.memo.raw, raw)) return this.memo.params;
    const params = decode(authParamsCodec, raw);
    this.memo = { raw: raw.slice(), params };
    return params;
  }
  setParams(store: KVStore, p: AuthParams): void {
    store.set(PARAMS_KEY, encode(authParamsCodec, p));
  }
  setAccount(store: KVStore, address: string, a: AccountState): void {
    store.set(accountKey(address), encode(accountCodec, a));
  }
  /**
   * Consumes `sequence` for `address` at `height`: it must be the next one,
   * and the account must be within its rate limit. Writes the new record.
   */
  consume(store: KVStore, address: string, sequence: bigint, height: bigint): AccountState {
    const acc = this.account(store, address);
    if (sequence !== acc.sequence) {
      throw TxErrors.wrongSequence.create(`account sequence is ${acc.sequence}, transaction has ${sequence}`, {
        expected: acc.sequence.toString(),
        got: sequence.toString(),
      });
    }
    const p = this.params(store);
    let { windowStart, windowCount } = acc;
    if (height >= windowStart + p.windowBlocks) {
      windowStart = height;
      windowCount = 0;
    }
    if (windowCount >= p.maxTxsPerWindow) {
      throw TxErrors.rateLimited.create(
        `at most ${p.maxTxsPerWindow} transactions per ${p.windowBlocks} blocks; window started at height ${windowStart}`,
      );
    }
    const next = { sequence: acc.sequence + 1n, windowStart, windowCount: windowCount + 1 };
    this.setAccount(store, address, next);
    return next;
  }
}
