/** Error kinds of state proofs (codespace `proof`). */
import { registerError } from "./errors.js";

/** Failures to decode or verify a state proof. */
export const ProofErrors = {
  malformed: registerError("proof", 1, "malformed", "The proof bytes are not a canonical state proof."),
  mismatch: registerError("proof", 2, "mismatch", "The proof does not verify against the root, key and value given."),
};
