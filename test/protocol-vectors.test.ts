import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { decodeTx, fromHex, verifyTxSignature } from "@urbis/protocol";
import { protocolVectors } from "../scripts/vectors.js";

it("docs/protocol.md holds the vectors the implementation computes", () => {
  const doc = readFileSync(new URL("../docs/protocol.md", import.meta.url), "utf8");
  const v = protocolVectors();
  for (const [name, value] of Object.entries(v)) assert.ok(doc.includes(value), `${name} missing or stale in docs`);
  // The documented bytes are a valid, verifiable transaction.
  verifyTxSignature(decodeTx(fromHex(v.txBytes as string)));
});
