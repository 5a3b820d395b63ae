/**
 * Client-side proof checking: a value read from any node is accepted only if
 * its Merkle proof leads to an app hash the caller trusts. Browser-safe.
 */
import { base64ToBytes, fromHex, type StateAnswerJson, toHex, verifyProof } from "@urbis/protocol";
import { SdkErrors } from "./errors.js";

/** A state value whose proof was checked here. */
export interface VerifiedState {
  /** Hex key. */
  key: string;
  /** The value, or undefined when the proof shows the key has none. */
  value: Uint8Array | undefined;
  height: string;
  /** Hex app hash the proof was checked against. */
  appHash: string;
  /** True when that app hash came from the caller (`trustedAppHash`), false when taken from the answer. */
  anchored: boolean;
}

/**
 * Checks a `GET /v1/state/{key}?prove=true` answer. With `trustedAppHash`
 * (e.g. from a header whose commit the caller verified) the result is trusted
 * end to end; without it the proof is checked against the app hash the node
 * reported, which proves consistency but not that the node is honest.
 * Fails with `sdk.proof_invalid`.
 */
export function verifyStateAnswer(
  keyHex: string,
  answer: StateAnswerJson,
  trustedAppHash?: Uint8Array | string,
): VerifiedState {
  if (!answer.proof) throw SdkErrors.proofInvalid.create("the answer carries no proof (ask with prove=true)");
  const rootHex =
    trustedAppHash === undefined
      ? answer.appHash
      : typeof trustedAppHash === "string"
        ? trustedAppHash
        : toHex(trustedAppHash);
  if (!rootHex) throw SdkErrors.proofInvalid.create("no app hash to check the proof against");
  const root = fromHex(rootHex);
  const key = fromHex(keyHex);
  const proof = base64ToBytes(answer.proof);
  const raw = base64ToBytes(answer.value);
  let value: Uint8Array | undefined;
  // An empty value in the answer means "absent"; a proof of a present empty value is accepted too.
  if (raw.length === 0 && verifyProof(root, key, undefined, proof)) value = undefined;
  else if (verifyProof(root, key, raw, proof)) value = raw;
  else throw SdkErrors.proofInvalid.create(`the proof of key ${keyHex} does not lead to app hash ${rootHex}`);
  return { key: keyHex, value, height: answer.height, appHash: rootHex, anchored: trustedAppHash !== undefined };
}
