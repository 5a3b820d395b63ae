/**
 * Base64 for the API's hot paths through Node's native codec: the protocol's
 * browser-safe @scure/base codec costs several microseconds per transaction,
 * which a batch of thousands of submissions pays on the main thread. Same
 * bytes and strings as `base64ToBytes`/`bytesToBase64` of @urbis/protocol
 * (base64.test.ts checks both ways).
 */
import { isBase64 } from "@urbis/protocol";

/**
 * Bytes of canonical standard padded base64, or undefined for anything else
 * (Buffer.from alone would skip characters outside the alphabet).
 */
export function nativeBase64ToBytes(s: string): Uint8Array | undefined {
  if (!isBase64(s)) return undefined;
  const b = Buffer.from(s, "base64");
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** Standard padded base64 of `b`. */
export function nativeBytesToBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
}
