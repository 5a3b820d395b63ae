/** Wire types of the auth module: account records and parameters. */
import { type Infer, struct, u32, u64 } from "../../codec/index.js";

/** Per-account record: replay protection and rate-limit window. */
export const accountCodec = struct({
  /** The sequence the account's next transaction must carry. */
  sequence: u64,
  /** First height of the current rate-limit window. */
  windowStart: u64,
  /** Transactions accepted in the current window. */
  windowCount: u32,
});
/** Per-account record. */
export type AccountState = Infer<typeof accountCodec>;

/** Auth parameters (changed by governance in a later issue). */
export const authParamsCodec = struct({
  /** Most transactions one account may have included per window. */
  maxTxsPerWindow: u32,
  /** Window length in blocks. */
  windowBlocks: u64,
});
/** Auth parameters. */
export type AuthParams = Infer<typeof authParamsCodec>;

/** Parameters of a new chain unless genesis says otherwise. */
export const DEFAULT_AUTH_PARAMS: AuthParams = { maxTxsPerWindow: 1000, windowBlocks: 10n };
