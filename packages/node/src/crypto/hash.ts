/**
 * Native hashing for the node's hot paths. Same bytes as @urbis/protocol's
 * pure-JS `txHash` (SHA-256, lowercase hex), several times cheaper, which
 * matters when every submission and every block hashes each transaction.
 */
import { hash } from "node:crypto";

/** Transaction id: hex SHA-256 of its canonical bytes (equals `txHash` of @urbis/protocol). */
export function fastTxHash(tx: Uint8Array): string {
  return hash("sha256", tx, "hex");
}
