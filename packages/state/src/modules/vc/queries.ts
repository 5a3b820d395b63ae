/**
 * Queries of the VC module:
 * - `vc/trusted_issuers` {credentialType?} → {issuers: [{credentialType, issuerDid, height, timeMs}]}.
 * - `vc/trusted_issuer` {credentialType, issuerDid} → {credentialType, issuerDid, trusted}.
 * - `vc/status_list` {listId} → {listId, issuerDid, purpose, length, created, updated, credential}: `credential`
 *   is the list as a W3C BitstringStatusListCredential (unsigned: the chain's state proofs vouch for it, not a key),
 *   whose `credentialSubject.encodedList` is the multibase base64url GZIP of the bits. Fails with `vc.unknown_status_list`.
 * - `vc/status` {listId, index} → {listId, index, issuerDid, purpose, length, value}. Fails with
 *   `vc.unknown_status_list` or `vc.index_out_of_range`.
 * Heights and times are decimal strings.
 */
import {
  CREDENTIALS_V2_CONTEXT,
  encodeStatusList,
  formatDidTime,
  getStatusBit,
  LIST_ID_PATTERN,
  MAX_STATUS_LIST_BITS,
  STATUS_PURPOSES,
  type StatusList,
  statusListUrl,
  VcErrors,
  validateCredentialType,
  validateListId,
  validateUrbisDid,
} from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import { JsonReader } from "../../framework/json.js";
import type { Json, QueryHandler } from "../../framework/module.js";
import type { VcView } from "./keeper.js";

const str = (v: unknown) => (typeof v === "string" ? v : "");

function requireList(keeper: VcView, store: Parameters<VcView["statusList"]>[0], listId: string): StatusList {
  validateListId(listId);
  const l = keeper.statusList(store, listId);
  if (!l) throw VcErrors.unknownStatusList.create(`no status list ${listId}`, { listId });
  return l;
}

/** The W3C BitstringStatusListCredential form of a stored list. */
export function statusListCredentialJson(l: StatusList): { [k: string]: Json } {
  const purpose = STATUS_PURPOSES[l.purpose] ?? String(l.purpose);
  return {
    "@context": [CREDENTIALS_V2_CONTEXT],
    id: statusListUrl(l.listId),
    type: ["VerifiableCredential", "BitstringStatusListCredential"],
    issuer: l.issuerDid,
    validFrom: formatDidTime(l.updated.timeMs),
    credentialSubject: {
      id: `${statusListUrl(l.listId)}#list`,
      type: "BitstringStatusList",
      statusPurpose: purpose,
      encodedList: encodeStatusList(l.bits),
    },
  };
}

/** Queries of the VC module (see the file comment). */
export function vcQueries(keeper: VcView): QueryHandler[] {
  const j = new JsonReader(AppErrors.invalidQuery);
  return [
    {
      path: "vc/trusted_issuers",
      handle(ctx, params) {
        if (params.credentialType !== undefined) validateCredentialType(params.credentialType);
        return {
          issuers: keeper.trustedIssuers(ctx.store, params.credentialType).map((t) => ({
            credentialType: t.credentialType,
            issuerDid: t.issuerDid,
            height: t.added.height.toString(),
            timeMs: t.added.timeMs.toString(),
          })),
        };
      },
    },
    {
      path: "vc/trusted_issuer",
      handle(ctx, params) {
        const credentialType = str(params.credentialType);
        const issuerDid = str(params.issuerDid);
        validateCredentialType(credentialType);
        validateUrbisDid(issuerDid);
        return { credentialType, issuerDid, trusted: keeper.isTrusted(ctx.store, credentialType, issuerDid) };
      },
    },
    {
      path: "vc/status_list",
      handle(ctx, params) {
        const l = requireList(keeper, ctx.store, str(params.listId));
        return {
          listId: l.listId,
          issuerDid: l.issuerDid,
          purpose: STATUS_PURPOSES[l.purpose] ?? String(l.purpose),
          length: l.length,
          created: { height: l.created.height.toString(), timeMs: l.created.timeMs.toString() },
          updated: { height: l.updated.height.toString(), timeMs: l.updated.timeMs.toString() },
          credential: statusListCredentialJson(l),
        };
      },
    },
    {
      path: "vc/status",
      handle(ctx, params) {
        const listId = str(params.listId);
        if (!LIST_ID_PATTERN.test(listId)) validateListId(listId);
        const index = j.at("index").smallUint(params.index, MAX_STATUS_LIST_BITS);
        const l = requireList(keeper, ctx.store, listId);
        if (index >= l.length) {
          throw VcErrors.indexOutOfRange.create(`status list ${listId} has ${l.length} entries`, { listId });
        }
        return {
          listId,
          index,
          issuerDid: l.issuerDid,
          purpose: STATUS_PURPOSES[l.purpose] ?? String(l.purpose),
          length: l.length,
          value: getStatusBit(l.bits, index),
        };
      },
    },
  ];
}
