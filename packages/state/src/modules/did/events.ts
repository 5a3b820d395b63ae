/**
 * Events of the DID module. Attributes carry identifiers and version numbers
 * only: what changed is read from the DID's history, and nothing personal is
 * ever emitted. `authorizedBy` is the DID (this one or a controller) whose
 * authentication key signed the transaction.
 */
import { type DidRecord, didKindName } from "@urbis/protocol";
import { type Event, event } from "../../framework/events.js";
import type { DidChange } from "./keeper.js";

/** Event types the DID module emits. */
export const DID_EVENTS = {
  created: "did.created",
  updated: "did.updated",
  deactivated: "did.deactivated",
} as const;

const kindOf = (r: DidRecord) => didKindName(r.kind) ?? String(r.kind);

/** `did.created` {did, kind, version, authorizedBy}. */
export function didCreatedEvent(c: DidChange): Event {
  return event(DID_EVENTS.created, {
    did: c.record.id,
    kind: kindOf(c.record),
    version: c.record.version,
    authorizedBy: c.authorizedBy,
  });
}

/** `did.updated` {did, version, authorizedBy}: `version` is the new version. */
export function didUpdatedEvent(c: DidChange): Event {
  return event(DID_EVENTS.updated, { did: c.record.id, version: c.record.version, authorizedBy: c.authorizedBy });
}

/** `did.deactivated` {did, version, authorizedBy}: `version` is the final, deactivating version. */
export function didDeactivatedEvent(c: DidChange): Event {
  return event(DID_EVENTS.deactivated, { did: c.record.id, version: c.record.version, authorizedBy: c.authorizedBy });
}
