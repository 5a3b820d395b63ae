/** Invariants of the DID module, checked at genesis and every `invariantPeriod` blocks. */
import {
  bytesEqual,
  DID_DOCUMENT_PREFIX,
  DID_HISTORY_PREFIX,
  DID_PREFIX,
  type DidRecord,
  decode,
  didKindName,
  didOf,
  didRecordCodec,
  fromUtf8,
  INITIAL_KEY_FRAGMENT,
  isDid,
  prefixEnd,
  UrbisError,
  validateDidContent,
} from "@urbis/protocol";
import type { Invariant } from "../../framework/module.js";
import type { KVRead } from "../../framework/store.js";
import { didDocumentKey } from "./keys.js";

/** A history entry's DID and version, read from its key; undefined when the key is malformed. */
function parseHistoryKey(key: Uint8Array): { did: string; version: number } | undefined {
  const rest = key.subarray(DID_HISTORY_PREFIX.length);
  if (rest.length < 6 || rest[rest.length - 5] !== 0x2f) return undefined; // "<id>/" + 4 bytes
  let id: string;
  try {
    id = fromUtf8(rest.subarray(0, rest.length - 5));
  } catch {
    return undefined;
  }
  if (!isDid(DID_PREFIX + id)) return undefined;
  const v = rest.subarray(rest.length - 4);
  return { did: DID_PREFIX + id, version: new DataView(v.buffer, v.byteOffset, 4).getUint32(0, false) };
}

/** Every DID's versions, grouped by DID in key order, with their raw bytes. */
function histories(store: KVRead): { did: string; versions: { version: number; raw: Uint8Array }[] }[] | string {
  const out: { did: string; versions: { version: number; raw: Uint8Array }[] }[] = [];
  for (const [k, raw] of store.iterate(DID_HISTORY_PREFIX, prefixEnd(DID_HISTORY_PREFIX))) {
    const parsed = parseHistoryKey(k);
    if (!parsed) return `malformed history key ${fromUtf8Lossy(k)}`;
    const last = out[out.length - 1];
    if (last?.did === parsed.did) last.versions.push({ version: parsed.version, raw });
    else out.push({ did: parsed.did, versions: [{ version: parsed.version, raw }] });
  }
  return out;
}

/** The record in `raw`, or why it does not decode. */
function decodeRecord(raw: Uint8Array, where: string): DidRecord | string {
  try {
    return decode(didRecordCodec, raw);
  } catch (e) {
    if (e instanceof UrbisError) return `${where} does not decode: ${e.message}`;
    throw e;
  }
}

function fromUtf8Lossy(b: Uint8Array): string {
  try {
    return fromUtf8(b);
  } catch {
    return `<${b.length} bytes>`;
  }
}

/**
 * `history_complete`: each DID's history holds exactly versions 1..n, each a
 * record of that DID and number with the same `created` and kind; the current
 * record is byte for byte version n; only version n may be deactivated; and
 * no current record lacks a history (nor a history its current record).
 */
export function didHistoryCompleteInvariant(): Invariant {
  return {
    name: "history_complete",
    check(ctx) {
      const all = histories(ctx.store);
      if (typeof all === "string") return all;
      const withHistory = new Set<string>();
      for (const { did, versions } of all) {
        withHistory.add(did);
        let first: DidRecord | undefined;
        for (const [i, { version, raw }] of versions.entries()) {
          if (version !== i + 1) return `${did}: history has version ${version} where ${i + 1} belongs`;
          const r = decodeRecord(raw, `${did} v${version}`);
          if (typeof r === "string") return r;
          if (r.id !== did || r.version !== version) return `${did}: version ${version} holds ${r.id} v${r.version}`;
          first ??= r;
          if (r.kind !== first.kind) return `${did}: the kind changed at version ${version}`;
          if (r.created.height !== first.created.height || r.created.timeMs !== first.created.timeMs) {
            return `${did}: created changed at version ${version}`;
          }
          if (r.deactivated && i !== versions.length - 1)
            return `${did}: version ${version} is deactivated but not last`;
        }
        const doc = ctx.store.get(didDocumentKey(did));
        const last = versions[versions.length - 1];
        if (!doc) return `${did} has a history but no current record`;
        if (!last || !bytesEqual(doc, last.raw)) return `${did}: the current record is not its latest version`;
      }
      for (const [k, raw] of ctx.store.iterate(DID_DOCUMENT_PREFIX, prefixEnd(DID_DOCUMENT_PREFIX))) {
        const r = decodeRecord(raw, `the record under ${fromUtf8Lossy(k)}`);
        if (typeof r === "string") return r;
        if (!withHistory.has(r.id)) return `${r.id} has no history`;
        if (!bytesEqual(k, didDocumentKey(r.id))) return `${r.id} is stored under another key`;
      }
      return undefined;
    },
  };
}

/**
 * `well_formed`: every stored version has a known kind and follows the
 * document rules, and every DID derives from version 1's `#key-1`.
 */
export function didWellFormedInvariant(): Invariant {
  return {
    name: "well_formed",
    check(ctx) {
      for (const [k, raw] of ctx.store.iterate(DID_HISTORY_PREFIX, prefixEnd(DID_HISTORY_PREFIX))) {
        const r = decodeRecord(raw, `the version under ${fromUtf8Lossy(k)}`);
        if (typeof r === "string") return r;
        if (didKindName(r.kind) === undefined) return `${r.id} v${r.version} has unknown kind ${r.kind}`;
        try {
          validateDidContent(r);
        } catch (e) {
          if (e instanceof UrbisError) return `${r.id} v${r.version} breaks a rule: ${e.message}`;
          throw e;
        }
        if (r.version === 1) {
          const initial = r.verificationMethods.find((m) => m.fragment === INITIAL_KEY_FRAGMENT);
          if (!initial || didOf(initial.publicKey) !== r.id) return `${r.id} does not derive from its initial key`;
        }
      }
      return undefined;
    },
  };
}

/** `controllers_registered`: every controller of every current record is a registered DID (DIDs are never deleted). */
export function didControllersRegisteredInvariant(): Invariant {
  return {
    name: "controllers_registered",
    check(ctx) {
      for (const [k, raw] of ctx.store.iterate(DID_DOCUMENT_PREFIX, prefixEnd(DID_DOCUMENT_PREFIX))) {
        const r = decodeRecord(raw, `the record under ${fromUtf8Lossy(k)}`);
        if (typeof r === "string") return r;
        for (const c of r.controllers) {
          if (c !== r.id && (!isDid(c) || !ctx.store.get(didDocumentKey(c)))) {
            return `${r.id} names unregistered controller ${c}`;
          }
        }
      }
      return undefined;
    },
  };
}

/** Every invariant of the DID module. */
export function didInvariants(): Invariant[] {
  return [didHistoryCompleteInvariant(), didWellFormedInvariant(), didControllersRegisteredInvariant()];
}
