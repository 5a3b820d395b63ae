/**
 * Queries of the DID module. Resolution answers the W3C DID resolution result
 * that `buildDidResolutionResult` (@urbis/protocol) builds, the same JSON the
 * REST route `GET /v1/dids/{did}` and the SDK's did-resolver driver give.
 */
import {
  buildDidResolutionResult,
  DidErrors,
  didKindName,
  formatDidTime,
  MAX_DID_VERSION,
  parseDidVersionSelector,
  validateUrbisDid,
} from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import { JsonReader } from "../../framework/json.js";
import type { Json, QueryHandler } from "../../framework/module.js";
import type { DidView } from "./keeper.js";

/** Most versions one `did/history` answer lists. */
export const MAX_DID_HISTORY_PAGE = 500;
/** Versions a `did/history` answer lists when the query names no `limit`. */
export const DEFAULT_DID_HISTORY_PAGE = 100;

const didParam = (v: unknown): string => {
  const did = typeof v === "string" ? v : "";
  validateUrbisDid(did);
  return did;
};

/**
 * Queries of the DID module:
 * - `did/resolve` {did, versionId?, versionTime?, includeDeactivated?} → the
 *   resolution result of the latest version, of version `versionId`, or of the
 *   latest version that existed at `versionTime` (ISO 8601 UTC, compared in
 *   whole seconds). Fails with `did.invalid_did`, `did.invalid_resolution_option`,
 *   `did.not_found`, `did.version_not_found`, or — when the selected version is
 *   the deactivating one — `did.deactivated`, whose details carry the result
 *   (`details.resolution`, with `didDocumentMetadata.deactivated: true`);
 *   `includeDeactivated=true` answers that result instead of failing.
 * - `did/history` {did, fromVersion?, limit?} → {did, latestVersion, deactivated,
 *   versions: [{versionId, height, timeMs, time, deactivated}], nextFromVersion?}:
 *   up to `limit` (default 100, at most 500) versions from `fromVersion` (default 1).
 */
export function didQueries(keeper: DidView): QueryHandler[] {
  const j = new JsonReader(AppErrors.invalidQuery);
  return [
    {
      path: "did/resolve",
      handle(ctx, params) {
        const did = didParam(params.did);
        const selector = parseDidVersionSelector({ versionId: params.versionId, versionTime: params.versionTime });
        const { record, next } = keeper.resolve(ctx.store, did, selector);
        const result = buildDidResolutionResult(record, next);
        if (record.deactivated && params.includeDeactivated !== "true") {
          throw DidErrors.deactivated.create(`${did} is deactivated (version ${record.version})`, {
            did,
            resolution: result,
          });
        }
        return result;
      },
    },
    {
      path: "did/history",
      handle(ctx, params) {
        const did = didParam(params.did);
        const from =
          params.fromVersion === undefined ? 1 : j.at("fromVersion").smallUint(params.fromVersion, MAX_DID_VERSION);
        const limit =
          params.limit === undefined
            ? DEFAULT_DID_HISTORY_PAGE
            : j.at("limit").smallUint(params.limit, MAX_DID_HISTORY_PAGE);
        if (limit < 1) j.at("limit").fail("must be at least 1");
        const current = keeper.require(ctx.store, did);
        const versions = keeper.history(ctx.store, did, from, limit);
        const last = versions[versions.length - 1];
        const out: { [k: string]: Json } = {
          did,
          kind: didKindName(current.kind) ?? String(current.kind),
          latestVersion: current.version,
          deactivated: current.deactivated,
          versions: versions.map((r) => ({
            versionId: String(r.version),
            height: r.updated.height.toString(),
            timeMs: r.updated.timeMs.toString(),
            time: formatDidTime(r.updated.timeMs),
            deactivated: r.deactivated,
          })),
        };
        if (last !== undefined && last.version < current.version) out.nextFromVersion = String(last.version + 1);
        return out;
      },
    },
  ];
}
