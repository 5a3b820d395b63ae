/**
 * How binary and big-integer values travel in the REST API's JSON.
 *
 * - Integers that may exceed 2^53 (heights, sequences, times in ms, amounts)
 *   are **decimal strings** (`"42"`), never JSON numbers, so no client loses
 *   precision. Small bounded counts (tx index, result code, tx count) are numbers.
 * - Opaque binary payloads (transaction bytes, state values, proofs) are
 *   **standard base64** with padding (RFC 4648 §4): a third smaller than hex.
 * - Identifiers (transaction/block/app hashes, state keys in URLs) are
 *   **lowercase hex**, as CometBFT and block explorers show them.
 *
 * Browser-safe: no Node built-ins.
 */
import { base64 } from "@scure/base";

/** Standard base64 (with padding) of `b`. */
export function bytesToBase64(b: Uint8Array): string {
  return base64.encode(b);
}

/** Bytes of a standard, padded base64 string; throws on any other input. */
export function base64ToBytes(s: string): Uint8Array {
  return base64.decode(s);
}

/** Whether `s` is canonical standard padded base64 (what the API accepts and {@link base64ToBytes} decodes). */
export function isBase64(s: string): boolean {
  return BASE64_PATTERN_RE.test(s);
}

/**
 * Regex source of canonical standard padded base64 (the empty string included).
 * Canonical: the bits padding leaves unused are zero (`AA==`, not `AB==`), as
 * the decoder demands, so whatever the schema accepts also decodes.
 */
export const BASE64_PATTERN = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$";
const BASE64_PATTERN_RE = new RegExp(BASE64_PATTERN);

/** Regex source of a non-negative decimal integer without leading zeros. */
export const DECIMAL_PATTERN = "^(0|[1-9][0-9]*)$";
const DECIMAL_RE = new RegExp(DECIMAL_PATTERN);

/** Largest u64, the bound of heights and sequences. */
const U64_MAX = (1n << 64n) - 1n;

/**
 * Parses a decimal-string u64 (as the API sends heights and sequences);
 * returns undefined for anything else, including values above 2^64-1.
 */
export function parseU64(s: string): bigint | undefined {
  if (s.length > 20 || !DECIMAL_RE.test(s)) return undefined;
  const n = BigInt(s);
  return n > U64_MAX ? undefined : n;
}
