/** Invariants of the VC module: stored entries sit under their own keys and lists hold exactly their bits. */
import {
  decode,
  isDid,
  listIdOfKey,
  prefixEnd,
  STATUS_PURPOSES,
  statusListCodec,
  toHex,
  trustedIssuerCodec,
  trustedIssuerKey,
  VC_LIST_PREFIX,
  VC_TRUST_PREFIX,
} from "@urbis/protocol";
import type { Invariant } from "../../framework/module.js";

/** The VC module's invariants. */
export function vcInvariants(): Invariant[] {
  return [
    {
      name: "vc/entries-well-formed",
      check(ctx) {
        for (const [k, v] of ctx.store.iterate(VC_TRUST_PREFIX, prefixEnd(VC_TRUST_PREFIX))) {
          const t = decode(trustedIssuerCodec, v);
          if (toHex(trustedIssuerKey(t.credentialType, t.issuerDid)) !== toHex(k)) {
            return `trust entry under ${toHex(k)} names ${t.credentialType}/${t.issuerDid}`;
          }
        }
        for (const [k, v] of ctx.store.iterate(VC_LIST_PREFIX, prefixEnd(VC_LIST_PREFIX))) {
          const l = decode(statusListCodec, v);
          if (listIdOfKey(k) !== l.listId) return `status list under ${toHex(k)} is ${l.listId}`;
          if (l.bits.length * 8 !== l.length)
            return `status list ${l.listId} has ${l.bits.length} bytes for ${l.length} bits`;
          if (STATUS_PURPOSES[l.purpose] === undefined) return `status list ${l.listId} has purpose code ${l.purpose}`;
          if (!isDid(l.issuerDid)) return `status list ${l.listId} names issuer ${l.issuerDid}`;
        }
        return undefined;
      },
    },
  ];
}
