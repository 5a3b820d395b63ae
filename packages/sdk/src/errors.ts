/** Errors raised by the SDK itself (codespace `sdk`). */
import { registerError } from "@urbis/protocol";

/** Errors raised by the SDK itself. */
export const SdkErrors = {
  invalidKey: registerError("sdk", 1, "invalid_key", "A key is not a valid Ed25519 secret key."),
  wrongPassphrase: registerError("sdk", 2, "wrong_passphrase", "The passphrase does not open the keystore.", 401),
  invalidKeystore: registerError(
    "sdk",
    3,
    "invalid_keystore",
    "The keystore file is malformed or of an unknown version.",
  ),
  proofInvalid: registerError("sdk", 4, "proof_invalid", "A state proof does not verify against the trusted app hash."),
  commitTimeout: registerError("sdk", 5, "commit_timeout", "The transaction was not committed in time.", 504),
  network: registerError("sdk", 6, "network", "The node could not be reached.", 503),
};
