/**
 * Store keys of the VC module, defined in @urbis/protocol (and re-exported
 * here) so the browser SDK can ask for Merkle proofs of them:
 *
 * - `vc/trust/<credentialType>/<issuerDid>`: a trust entry (`TrustedIssuer`);
 * - `vc/list/<listId>`: a status list with its bits (`StatusList`).
 */
export {
  listIdOfKey,
  statusListKey,
  trustedIssuerKey,
  trustedIssuerTypePrefix,
  VC_LIST_PREFIX,
  VC_STORE_PREFIX,
  VC_TRUST_PREFIX,
} from "@urbis/protocol";
