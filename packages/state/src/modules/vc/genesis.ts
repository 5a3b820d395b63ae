/**
 * VC genesis. The section is optional (absent = nothing trusted, no lists):
 *
 * ```json
 * { "trustedIssuers": [{ "credentialType": "PatientCredential", "issuerDid": "did:urbis:…" }],
 *   "statusLists": [{ "listId": "hospital-revocation-1", "issuerDid": "did:urbis:…", "purpose": "revocation",
 *     "length": 131072, "bits": "<base64 of length/8 bytes, optional: all zero when absent>" }] }
 * ```
 *
 * Trust entries may carry `added` and lists `created`/`updated` ({height, timeMs} as decimal
 * strings; default height 0, time 0) so that export reads back to the same state. Every DID
 * named must be in the DID section. Unknown fields are refused.
 */
import {
  type BlockStamp,
  base64ToBytes,
  bytesToBase64,
  MAX_U64,
  STATUS_PURPOSES,
  type StatusList,
  statusPurposeCode,
  type TrustedIssuer,
  trustedIssuerKey,
  UrbisError,
  validateListId,
  validateListLength,
  validateTrustEntry,
} from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import { JsonReader } from "../../framework/json.js";
import type { GenesisHandler, Json } from "../../framework/module.js";
import type { VcKeeper } from "./keeper.js";

/** Parsed VC genesis. */
export interface VcGenesis {
  trustedIssuers: TrustedIssuer[];
  statusLists: StatusList[];
}

function readStamp(j: JsonReader, v: unknown): BlockStamp {
  if (v === undefined) return { height: 0n, timeMs: 0n };
  const o = j.record(v, ["height", "timeMs"]);
  return { height: j.at("height").uint(o.height, MAX_U64), timeMs: j.at("timeMs").uint(o.timeMs, MAX_U64) };
}

function checked(j: JsonReader, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof UrbisError) j.fail(`${e.id}: ${e.message}`);
    throw e;
  }
}

/** Parses and validates a VC genesis section; fails with `app.invalid_genesis`. */
export function parseVcGenesis(json: unknown): VcGenesis {
  const j = new JsonReader(AppErrors.invalidGenesis, "vc");
  if (json === undefined) return { trustedIssuers: [], statusLists: [] };
  const o = j.record(json, ["trustedIssuers", "statusLists"]);
  const seenTrust = new Set<string>();
  const trustedIssuers = (o.trustedIssuers === undefined ? [] : j.at("trustedIssuers").array(o.trustedIssuers)).map(
    (v, i) => {
      const jt = j.at(`trustedIssuers[${i}]`);
      const t = jt.record(v, ["credentialType", "issuerDid", "added"]);
      const credentialType = jt.at("credentialType").string(t.credentialType);
      const issuerDid = jt.at("issuerDid").string(t.issuerDid);
      checked(jt, () => validateTrustEntry(credentialType, issuerDid));
      const k = bytesToBase64(trustedIssuerKey(credentialType, issuerDid));
      if (seenTrust.has(k)) jt.fail(`${issuerDid} is listed twice for ${credentialType}`);
      seenTrust.add(k);
      return { credentialType, issuerDid, added: readStamp(jt.at("added"), t.added) };
    },
  );
  const seenLists = new Set<string>();
  const statusLists = (o.statusLists === undefined ? [] : j.at("statusLists").array(o.statusLists)).map((v, i) => {
    const jl = j.at(`statusLists[${i}]`);
    const l = jl.record(v, ["listId", "issuerDid", "purpose", "length", "bits", "created", "updated"]);
    const listId = jl.at("listId").string(l.listId);
    const issuerDid = jl.at("issuerDid").string(l.issuerDid);
    const purpose =
      statusPurposeCode(jl.at("purpose").string(l.purpose)) ??
      jl.at("purpose").fail(`expected one of ${STATUS_PURPOSES.join(", ")}`);
    const length = jl.at("length").smallUint(l.length, 0xffff_ffff);
    checked(jl, () => {
      validateListId(listId);
      validateTrustEntry("X", issuerDid);
      validateListLength(length);
    });
    if (seenLists.has(listId)) jl.at("listId").fail(`${listId} is listed twice`);
    seenLists.add(listId);
    let bits: Uint8Array = new Uint8Array(length / 8);
    if (l.bits !== undefined) {
      const s = jl.at("bits").string(l.bits);
      try {
        bits = base64ToBytes(s);
      } catch {
        jl.at("bits").fail("not base64");
      }
      if (bits.length !== length / 8) jl.at("bits").fail(`expected ${length / 8} bytes, got ${bits.length}`);
    }
    return {
      listId,
      issuerDid,
      purpose,
      length,
      bits,
      created: readStamp(jl.at("created"), l.created),
      updated: readStamp(jl.at("updated"), l.updated),
    };
  });
  return { trustedIssuers, statusLists };
}

const stampJson = (s: BlockStamp) => ({ height: s.height.toString(), timeMs: s.timeMs.toString() });

/** Genesis handler of the VC module; export writes what {@link parseVcGenesis} reads back to the same state. */
export function vcGenesis(keeper: VcKeeper): GenesisHandler<VcGenesis> {
  return {
    parse: parseVcGenesis,
    init(ctx, g) {
      keeper.initGenesis(ctx.store, g.trustedIssuers, g.statusLists);
    },
    export(ctx): Json {
      return {
        trustedIssuers: keeper.trustedIssuers(ctx.store).map((t) => ({
          credentialType: t.credentialType,
          issuerDid: t.issuerDid,
          added: stampJson(t.added),
        })),
        statusLists: [...keeper.statusLists(ctx.store)].map((l) => ({
          listId: l.listId,
          issuerDid: l.issuerDid,
          purpose: STATUS_PURPOSES[l.purpose] ?? String(l.purpose),
          length: l.length,
          bits: bytesToBase64(l.bits),
          created: stampJson(l.created),
          updated: stampJson(l.updated),
        })),
      };
    },
  };
}
