/**
 * Worker thread of {@link SignatureVerifierPool}: decodes each transaction of
 * a batch and checks its signature with the native verifier. It checks only
 * what needs no state (decoding, signer/key match, signature); the App checks
 * the rest in CheckTx.
 */
import { parentPort } from "node:worker_threads";
import { decodeTx, UrbisError, verifyTxSignature } from "@urbis/protocol";
import { nativeEd25519Verifier } from "./ed25519.js";
import type { VerifyOutcome, VerifyReply, VerifyRequest } from "./verify-pool.js";

function check(tx: Uint8Array): VerifyOutcome {
  try {
    verifyTxSignature(decodeTx(tx), nativeEd25519Verifier);
    return null;
  } catch (e) {
    if (e instanceof UrbisError) return { code: e.code, codespace: e.codespace, log: e.message };
    return { code: -1, codespace: "", log: e instanceof Error ? e.message : String(e) };
  }
}

parentPort?.on("message", (req: VerifyRequest) => {
  const all = new Uint8Array(req.buf);
  const outcomes: VerifyOutcome[] = [];
  let off = 0;
  for (const len of req.lens) {
    outcomes.push(check(all.subarray(off, off + len)));
    off += len;
  }
  const reply: VerifyReply = { id: req.id, outcomes };
  parentPort?.postMessage(reply);
});
// Tells the pool the code loaded, so a worker that dies later is worth replacing.
parentPort?.postMessage("ready");
