/**
 * Queries of the health module (answers are the JSON forms of
 * @urbis/protocol's health/json.ts). Lists page with `after` (the last id
 * seen) and `limit` (default 100, at most 500), answering `next` when more
 * remain.
 *
 * - `health/patient` {did} · `health/patient_by_link` {linkId}
 * - `health/record` {id} · `health/records` {patientDid, after?, limit?}
 * - `health/consent` {id} · `health/consents` {patientDid | granteeKind+grantee, after?, limit?}
 * - `health/access` {id} · `health/access_log` {patientDid, after?, limit?} · `health/alerts` {patientDid, after?, limit?}
 * - `health/research` {documentHash} · `health/research_list` {after?, limit?}
 */
import {
  accessEntryToJson,
  consentToJson,
  fromHex,
  GRANTEE_KINDS,
  type GranteeKind,
  HealthErrors,
  healthRecordToJson,
  MAX_U64,
  patientToJson,
  researchToJson,
  toHex,
  validateUrbisDid,
} from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import { JsonReader } from "../../framework/json.js";
import type { Json, QueryHandler } from "../../framework/module.js";
import type { HealthView } from "./keeper.js";
import { granteeConsentsPrefix, patientConsentsPrefix } from "./keys.js";

/** Most entries one list answer holds. */
export const MAX_HEALTH_PAGE = 500;
/** Entries a list answer holds when the query names no `limit`. */
export const DEFAULT_HEALTH_PAGE = 100;

const j = new JsonReader(AppErrors.invalidQuery);

const did = (v: unknown, name: string): string => {
  const s = j.at(name).string(v);
  validateUrbisDid(s);
  return s;
};
const hash32 = (v: unknown, name: string): Uint8Array => fromHex(j.at(name).string(v, /^[0-9a-f]{64}$/));
const id = (v: unknown, name: string): bigint => j.at(name).uint(v, MAX_U64);
const limitOf = (p: Readonly<Record<string, string>>): number => {
  if (p.limit === undefined) return DEFAULT_HEALTH_PAGE;
  const n = j.at("limit").smallUint(p.limit, MAX_HEALTH_PAGE);
  if (n < 1) j.at("limit").fail("must be at least 1");
  return n;
};
const afterOf = (p: Readonly<Record<string, string>>): bigint | undefined =>
  p.after === undefined ? undefined : id(p.after, "after");

/** A page of `items`, with `next` = the last id when the page is full. */
function page(key: string, items: Json[], lastId: string | undefined, limit: number): Json {
  return { [key]: items, ...(items.length === limit && lastId !== undefined ? { next: lastId } : {}) };
}

/** The health module's queries. */
export function healthQueries(keeper: HealthView): QueryHandler[] {
  return [
    {
      path: "health/patient",
      handle(ctx, p) {
        const d = did(p.did, "did");
        const patient = keeper.patient(ctx.store, d);
        if (!patient) throw HealthErrors.unknownPatient.create(`${d} is not a registered patient`);
        return patientToJson(patient);
      },
    },
    {
      path: "health/patient_by_link",
      handle(ctx, p) {
        const patient = keeper.patientByLink(ctx.store, hash32(p.linkId, "linkId"));
        if (!patient) throw HealthErrors.unknownPatient.create("no patient has this link id");
        return patientToJson(patient);
      },
    },
    {
      path: "health/record",
      handle(ctx, p) {
        const r = keeper.record(ctx.store, hash32(p.id, "id"));
        if (!r) throw HealthErrors.unknownRecord.create(`no record ${p.id}`);
        return healthRecordToJson(r);
      },
    },
    {
      path: "health/records",
      handle(ctx, p) {
        const d = did(p.patientDid, "patientDid");
        const after = p.after === undefined ? undefined : hash32(p.after, "after");
        const limit = limitOf(p);
        const ids = keeper.recordIds(ctx.store, d, after, limit);
        const items = ids.map((i) => healthRecordToJson(keeper.record(ctx.store, i) as never));
        const last = ids[ids.length - 1];
        return page("records", items, last && toHex(last), limit);
      },
    },
    {
      path: "health/consent",
      handle(ctx, p) {
        const c = keeper.consent(ctx.store, id(p.id, "id"));
        if (!c) throw HealthErrors.unknownConsent.create(`no consent ${p.id}`);
        return consentToJson(c);
      },
    },
    {
      path: "health/consents",
      handle(ctx, p) {
        let prefix: Uint8Array;
        if (p.patientDid !== undefined) prefix = patientConsentsPrefix(did(p.patientDid, "patientDid"));
        else {
          const kind = j.at("granteeKind").string(p.granteeKind) as GranteeKind;
          if (!GRANTEE_KINDS.includes(kind)) j.at("granteeKind").fail("must be org or person");
          prefix = granteeConsentsPrefix(kind, j.at("grantee").string(p.grantee, /^[A-Za-z0-9:.-]{1,128}$/));
        }
        const limit = limitOf(p);
        const ids = keeper.consentIds(ctx.store, prefix, afterOf(p), limit);
        const items = ids.map((i) => consentToJson(keeper.consent(ctx.store, i) as never));
        return page("consents", items, ids[ids.length - 1]?.toString(), limit);
      },
    },
    {
      path: "health/access",
      handle(ctx, p) {
        const e = keeper.access(ctx.store, id(p.id, "id"));
        if (!e) throw HealthErrors.unknownAccess.create(`no access log entry ${p.id}`);
        return accessEntryToJson(e);
      },
    },
    ...(["access_log", "alerts"] as const).map(
      (name): QueryHandler => ({
        path: `health/${name}`,
        handle(ctx, p) {
          const d = did(p.patientDid, "patientDid");
          const limit = limitOf(p);
          const list = name === "alerts" ? keeper.alertIds : keeper.accessIds;
          const ids = list.call(keeper, ctx.store, d, afterOf(p), limit);
          const items = ids.map((i) => accessEntryToJson(keeper.access(ctx.store, i) as never));
          return page("entries", items, ids[ids.length - 1]?.toString(), limit);
        },
      }),
    ),
    {
      path: "health/research",
      handle(ctx, p) {
        const r = keeper.research(ctx.store, hash32(p.documentHash, "documentHash"));
        if (!r) throw HealthErrors.unknownResearch.create(`no publication ${p.documentHash}`);
        return researchToJson(r);
      },
    },
    {
      path: "health/research_list",
      handle(ctx, p) {
        const limit = limitOf(p);
        const list = keeper.researchList(ctx.store, afterOf(p), limit);
        return page("research", list.map(researchToJson), list[list.length - 1]?.seq.toString(), limit);
      },
    },
  ];
}
