/**
 * Events of the VC module. They carry identifiers only: which issuer, which
 * list, which index — never anything about a credential's subject.
 */
import { STATUS_PURPOSES, type StatusList, type TrustedIssuer } from "@urbis/protocol";
import { type Event, event } from "../../framework/events.js";
import type { StatusBitChange } from "./keeper.js";

/** Event types the VC module emits. */
export const VC_EVENTS = {
  issuerTrusted: "vc.issuer_trusted",
  issuerUntrusted: "vc.issuer_untrusted",
  statusListCreated: "vc.status_list_created",
  statusSet: "vc.status_set",
} as const;

/** `vc.issuer_trusted` {credentialType, issuerDid}. */
export function issuerTrustedEvent(t: TrustedIssuer): Event {
  return event(VC_EVENTS.issuerTrusted, { credentialType: t.credentialType, issuerDid: t.issuerDid });
}

/** `vc.issuer_untrusted` {credentialType, issuerDid}. */
export function issuerUntrustedEvent(credentialType: string, issuerDid: string): Event {
  return event(VC_EVENTS.issuerUntrusted, { credentialType, issuerDid });
}

/** `vc.status_list_created` {listId, issuerDid, purpose, length}. */
export function statusListCreatedEvent(l: StatusList): Event {
  return event(VC_EVENTS.statusListCreated, {
    listId: l.listId,
    issuerDid: l.issuerDid,
    purpose: STATUS_PURPOSES[l.purpose],
    length: l.length,
  });
}

/** `vc.status_set` {listId, index, value, changed}. */
export function statusSetEvent(c: StatusBitChange): Event {
  return event(VC_EVENTS.statusSet, { listId: c.list.listId, index: c.index, value: c.value, changed: c.changed });
}
