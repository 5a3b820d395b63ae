/**
 * DID genesis. The section is optional (absent = no DIDs) and reads:
 *
 * ```json
 * { "versions": [
 *   { "id": "did:urbis:…", "kind": "organization", "controllers": [],
 *     "verificationMethods": [{ "fragment": "key-1", "publicKey": "<base64 of 32 bytes>" }],
 *     "authentication": ["key-1"], "assertionMethod": ["key-1"], "keyAgreement": [], "services": [],
 *     "version": 1, "created": { "height": "1", "timeMs": "0" }, "updated": { "height": "1", "timeMs": "0" },
 *     "deactivated": false } ] }
 * ```
 *
 * `versions` is every stored version of every DID (what export writes): the
 * versions of one DID are consecutive entries numbered 1..n, the last being
 * its current one. Each version follows the document rules; the DID must
 * derive from version 1's `#key-1` (self-certifying ids hold from genesis on);
 * `created` is the same in every version and version 1 was updated when
 * created; only the last version may be deactivated; every controller is a DID
 * of the section. Unknown fields are refused so a typo cannot silently drop state.
 */
import {
  base64ToBytes,
  bytesToBase64,
  DID_HISTORY_PREFIX,
  DID_KINDS,
  type DidKeyEntry,
  type DidRecord,
  type DidRecordJson,
  decode,
  didKindCode,
  didOf,
  didRecordCodec,
  didRecordToJson,
  INITIAL_KEY_FRAGMENT,
  isDid,
  MAX_DID_VERSION,
  MAX_U64,
  prefixEnd,
  UrbisError,
  validateDidContent,
} from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import { JsonReader } from "../../framework/json.js";
import type { GenesisHandler, Json } from "../../framework/module.js";
import type { KVRead } from "../../framework/store.js";
import type { DidKeeper } from "./keeper.js";

/** Parsed and validated DID genesis: each DID's versions 1..n, in order. */
export interface DidGenesis {
  histories: DidRecord[][];
}

/** The DID genesis section as JSON. */
export interface DidGenesisJson {
  versions: DidRecordJson[];
}

const RECORD_FIELDS = [
  "id",
  "kind",
  "controllers",
  "verificationMethods",
  "authentication",
  "assertionMethod",
  "keyAgreement",
  "services",
  "version",
  "created",
  "updated",
  "deactivated",
] as const;

function readKey(j: JsonReader, v: unknown): DidKeyEntry {
  const o = j.record(v, ["fragment", "publicKey"]);
  const fragment = j.at("fragment").string(o.fragment);
  const text = j.at("publicKey").string(o.publicKey);
  let publicKey: Uint8Array;
  try {
    publicKey = base64ToBytes(text);
  } catch {
    return j.at("publicKey").fail(`${JSON.stringify(text)} is not padded base64`);
  }
  if (bytesToBase64(publicKey) !== text) j.at("publicKey").fail(`${JSON.stringify(text)} is not canonical base64`);
  return { fragment, publicKey };
}

function readStamp(j: JsonReader, v: unknown): { height: bigint; timeMs: bigint } {
  const o = j.record(v, ["height", "timeMs"]);
  return { height: j.at("height").uint(o.height, MAX_U64), timeMs: j.at("timeMs").uint(o.timeMs, MAX_U64) };
}

function readRecord(j: JsonReader, v: unknown): DidRecord {
  const o = j.record(v, RECORD_FIELDS);
  const id = j.at("id").string(o.id);
  if (!isDid(id)) j.at("id").fail(`${JSON.stringify(id)} is not a did:urbis identifier`);
  const kindName = j.at("kind").string(o.kind);
  if (!(DID_KINDS as readonly string[]).includes(kindName)) {
    j.at("kind").fail(`must be one of ${DID_KINDS.join(", ")}`);
  }
  const strings = (name: string, x: unknown) =>
    j
      .at(name)
      .array(x)
      .map((s, i) => j.at(`${name}[${i}]`).string(s));
  const keys = (name: string, x: unknown) =>
    j
      .at(name)
      .array(x)
      .map((k, i) => readKey(j.at(`${name}[${i}]`), k));
  const services = j
    .at("services")
    .array(o.services)
    .map((s, i) => {
      const js = j.at(`services[${i}]`);
      const so = js.record(s, ["fragment", "type", "endpoint"]);
      return {
        fragment: js.at("fragment").string(so.fragment),
        type: js.at("type").string(so.type),
        endpoint: js.at("endpoint").string(so.endpoint),
      };
    });
  const deactivated = o.deactivated;
  if (typeof deactivated !== "boolean") return j.at("deactivated").fail("expected true or false");
  const record: DidRecord = {
    id,
    kind: didKindCode(kindName as (typeof DID_KINDS)[number]),
    controllers: strings("controllers", o.controllers),
    verificationMethods: keys("verificationMethods", o.verificationMethods),
    authentication: strings("authentication", o.authentication),
    assertionMethod: strings("assertionMethod", o.assertionMethod),
    keyAgreement: keys("keyAgreement", o.keyAgreement),
    services,
    version: j.at("version").smallUint(o.version, MAX_DID_VERSION),
    created: readStamp(j.at("created"), o.created),
    updated: readStamp(j.at("updated"), o.updated),
    deactivated,
  };
  try {
    validateDidContent(record);
  } catch (e) {
    if (e instanceof UrbisError) j.fail(`${e.id}: ${e.message}`);
    throw e;
  }
  return record;
}

/** Parses and validates a DID genesis section; fails with `app.invalid_genesis`. */
export function parseDidGenesis(json: unknown): DidGenesis {
  const j = new JsonReader(AppErrors.invalidGenesis, "did");
  if (json === undefined) return { histories: [] };
  const o = j.record(json, ["versions"]);
  const raw = o.versions === undefined ? [] : j.at("versions").array(o.versions);
  const histories: DidRecord[][] = [];
  const seen = new Set<string>();
  let current: DidRecord[] | undefined;
  raw.forEach((v, i) => {
    const jv = j.at(`versions[${i}]`);
    const r = readRecord(jv, v);
    const prev = current?.[current.length - 1];
    if (prev !== undefined && prev.id === r.id) {
      if (r.version !== prev.version + 1) jv.at("version").fail(`expected version ${prev.version + 1} of ${r.id}`);
      if (prev.deactivated) jv.fail(`${r.id} was deactivated at version ${prev.version}; nothing may follow`);
      const first = current?.[0] as DidRecord;
      if (r.kind !== first.kind) jv.at("kind").fail("the kind of a DID never changes");
      if (r.created.height !== first.created.height || r.created.timeMs !== first.created.timeMs) {
        jv.at("created").fail("must be the same in every version of a DID");
      }
      current?.push(r);
      return;
    }
    if (seen.has(r.id)) jv.at("id").fail(`the versions of ${r.id} must be consecutive entries`);
    if (r.version !== 1) jv.at("version").fail(`the first entry of ${r.id} must be version 1`);
    if (r.updated.height !== r.created.height || r.updated.timeMs !== r.created.timeMs) {
      jv.at("updated").fail("version 1 is updated when it is created");
    }
    const initial = r.verificationMethods.find((m) => m.fragment === INITIAL_KEY_FRAGMENT);
    if (!initial || didOf(initial.publicKey) !== r.id) {
      jv.at("id").fail(`${r.id} does not derive from version 1's #${INITIAL_KEY_FRAGMENT} key`);
    }
    seen.add(r.id);
    current = [r];
    histories.push(current);
  });
  histories.forEach((versions) => {
    for (const r of versions) {
      for (const c of r.controllers) {
        if (!seen.has(c)) j.at(r.id).fail(`controller ${c} (version ${r.version}) is not a DID of the section`);
      }
    }
  });
  return { histories };
}

/** Exports every version of every DID, in key order, as a section {@link parseDidGenesis} reads back to the same state. */
export function exportDidGenesis(store: KVRead): Json {
  const versions: Json[] = [];
  for (const [, v] of store.iterate(DID_HISTORY_PREFIX, prefixEnd(DID_HISTORY_PREFIX))) {
    versions.push(didRecordToJson(decode(didRecordCodec, v)));
  }
  return { versions };
}

/** Genesis handler of the DID module. */
export function didGenesis(keeper: DidKeeper): GenesisHandler<DidGenesis> {
  return {
    parse: parseDidGenesis,
    init(ctx, g) {
      keeper.initGenesis(ctx.store, g.histories);
    },
    export: (ctx) => exportDidGenesis(ctx.store),
  };
}
