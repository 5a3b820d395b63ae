/**
 * Store keys of the DID module. They are defined in @urbis/protocol (and
 * re-exported here) because the browser SDK asks for Merkle proofs of them:
 *
 * - `did/doc/<id>`: the current version of each DID (a `DidRecord`);
 * - `did/hist/<id>/<version, u32 big-endian>`: every version, the current one
 *   included, so a prefix scan lists a DID's history in version order.
 *
 * `<id>` is the DID's method-specific id as ASCII; its base58 alphabet has no
 * `/`, so no DID's history prefix is a prefix of another's.
 */
export {
  DID_DOCUMENT_PREFIX,
  DID_HISTORY_PREFIX,
  DID_STORE_PREFIX,
  didDocumentKey,
  didHistoryKey,
  didHistoryPrefix,
  didOfDocumentKey,
} from "@urbis/protocol";
