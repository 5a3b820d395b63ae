/**
 * State answers checked end to end: the value's Merkle proof must lead to the
 * app hash of a header whose commit was verified. In CometBFT the header of
 * height H+1 carries the app hash of the state after block H, so a state
 * answer of version H is checked against the verified header H+1.
 */
import { fromHex, type StateAnswerJson, toHex } from "@urbis/protocol";
import { type VerifiedState, verifyStateAnswer } from "../proofs.js";
import { LightErrors } from "./errors.js";
import type { VerifiedCometHeader } from "./verify.js";

/**
 * Checks a `GET /v1/state/{key}?prove=true` answer against a header verified
 * by {@link verifyCometHeader} (or verifyCometCommit): the answer's version must be the
 * header's height minus one, the app hash the node reported (if any) must be
 * the header's, and the proof must lead to the header's app_hash. The result
 * is `anchored`. Fails with `light.state_height_mismatch`,
 * `light.app_hash_mismatch` or `sdk.proof_invalid`.
 */
export function verifyStateAnswerWithHeader(
  keyHex: string,
  answer: StateAnswerJson,
  header: VerifiedCometHeader,
): VerifiedState {
  if (!/^(?:0|[1-9][0-9]*)$/.test(answer.height) || BigInt(answer.height) + 1n !== header.height) {
    throw LightErrors.stateHeightMismatch.create(
      `the answer is of version ${answer.height}; header ${header.height} proves version ${header.height - 1n}`,
    );
  }
  const appHash = toHex(header.appHash);
  if (answer.appHash !== undefined && answer.appHash !== "") {
    let reported: string | undefined;
    try {
      reported = toHex(fromHex(answer.appHash.toLowerCase()));
    } catch {
      reported = undefined;
    }
    if (reported !== appHash) {
      throw LightErrors.appHashMismatch.create(
        `the node reported app hash ${answer.appHash} for version ${answer.height}; the verified header has ${appHash}`,
      );
    }
  }
  return verifyStateAnswer(keyHex, answer, header.appHash);
}
