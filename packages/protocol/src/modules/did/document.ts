/**
 * The W3C view of a stored DID record: the DID document (DID Core 1.0, keys as
 * Multikey) and the DID resolution result around it. One builder, shared by
 * the state machine's `did/resolve` query, the REST API and the SDK's
 * did-resolver driver, so every path answers the same JSON. Browser-safe.
 *
 * Times are XML datetimes in UTC without fractional seconds
 * (`2025-01-01T00:00:00Z`), as DID Core requires for `created` and `updated`;
 * `versionTime` therefore selects versions at whole-second granularity.
 */
import { DidErrors } from "./errors.js";
import { ed25519ToMultibase, x25519ToMultibase } from "./multikey.js";
import { type DidKind, type DidRecord, didKindName, MAX_DID_VERSION } from "./types.js";

/** JSON-LD context of DID documents. */
export const DID_CORE_CONTEXT = "https://www.w3.org/ns/did/v1";
/** JSON-LD context defining the `Multikey` verification method type. */
export const MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1";
/** JSON-LD context of DID resolution results. */
export const DID_RESOLUTION_CONTEXT = "https://w3id.org/did-resolution/v1";
/** Media type of the documents this method produces. */
export const DID_LD_JSON = "application/did+ld+json";

/** A verification method (or embedded key agreement key) in a DID document. */
export type DidVerificationMethodJson = {
  /** `<did>#<fragment>`. */
  id: string;
  type: "Multikey";
  /** The DID the key belongs to. */
  controller: string;
  /** `z6Mk…` (Ed25519) or `z6LS…` (X25519). */
  publicKeyMultibase: string;
};

/** A service in a DID document. */
export type DidServiceJson = { id: string; type: string; serviceEndpoint: string };

/** A DID document as this method produces it. Empty lists are left out. */
export type DidDocumentJson = {
  "@context": string[];
  id: string;
  /** Present when other DIDs control this one. */
  controller?: string[];
  verificationMethod?: DidVerificationMethodJson[];
  authentication?: string[];
  assertionMethod?: string[];
  /** X25519 keys, embedded (they are not signing keys, so not in `verificationMethod`). */
  keyAgreement?: DidVerificationMethodJson[];
  service?: DidServiceJson[];
};

/** DID document metadata of one resolved version. */
export type DidDocumentMetadataJson = {
  /** Time of `did/create`. */
  created: string;
  /** Time of this version; absent for version 1 (DID Core: only after an update). */
  updated?: string;
  /** This version's number, decimal. */
  versionId: string;
  /** The following version, when an older one was resolved. */
  nextVersionId?: string;
  /** Time of the following version, when an older one was resolved. */
  nextUpdate?: string;
  /** Present (true) when this version deactivated the DID. */
  deactivated?: true;
  /** What the DID stands for (a method-specific extension). */
  kind: DidKind;
};

/** A DID resolution result (W3C DID Resolution). */
export type DidResolutionResultJson = {
  "@context": string;
  didDocument: DidDocumentJson;
  didResolutionMetadata: { contentType: string };
  didDocumentMetadata: DidDocumentMetadataJson;
};

// ---------------------------------------------------------------------------
// Times, with integer arithmetic only (the state machine has no floats).

const MS_PER_DAY = 86_400_000n;

/** Days since 1970-01-01 of a proleptic Gregorian date (year ≥ 0). */
function daysFromCivil(y: bigint, m: bigint, d: bigint): bigint {
  const yy = m <= 2n ? y - 1n : y;
  const era = yy / 400n;
  const yoe = yy - era * 400n;
  const doy = (153n * (m > 2n ? m - 3n : m + 9n) + 2n) / 5n + d - 1n;
  const doe = yoe * 365n + yoe / 4n - yoe / 100n + doy;
  return era * 146_097n + doe - 719_468n;
}

/** The date of a day count since 1970-01-01 (non-negative). */
function civilFromDays(days: bigint): [bigint, bigint, bigint] {
  const z = days + 719_468n;
  const era = z / 146_097n;
  const doe = z - era * 146_097n;
  const yoe = (doe - doe / 1460n + doe / 36_524n - doe / 146_096n) / 365n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const d = doy - (153n * mp + 2n) / 5n + 1n;
  const m = mp < 10n ? mp + 3n : mp - 9n;
  return [yoe + era * 400n + (m <= 2n ? 1n : 0n), m, d];
}

const pad = (n: bigint, w = 2) => n.toString().padStart(w, "0");

/** `YYYY-MM-DDThh:mm:ssZ` of a Unix time in ms (sub-second part dropped). */
export function formatDidTime(timeMs: bigint): string {
  const ms = timeMs < 0n ? 0n : timeMs;
  const [y, m, d] = civilFromDays(ms / MS_PER_DAY);
  const s = (ms % MS_PER_DAY) / 1000n;
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}T${pad(s / 3600n)}:${pad((s / 60n) % 60n)}:${pad(s % 60n)}Z`;
}

const TIME_RE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?Z$/;

/**
 * Unix ms of an ISO 8601 UTC time `YYYY-MM-DDThh:mm:ss[.fraction]Z` (year
 * 1970–9999, real calendar dates, no leap seconds); undefined for anything else.
 */
export function parseDidTime(s: string): bigint | undefined {
  const m = TIME_RE.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map((x) => BigInt(x as string)) as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  if (y < 1970n || mo < 1n || mo > 12n || d < 1n || h > 23n || mi > 59n || se > 59n) return undefined;
  const leap = (y % 4n === 0n && y % 100n !== 0n) || y % 400n === 0n;
  const monthDays = [31n, leap ? 29n : 28n, 31n, 30n, 31n, 30n, 31n, 31n, 30n, 31n, 30n, 31n];
  if (d > (monthDays[Number(mo) - 1] as bigint)) return undefined;
  const frac = BigInt(`${m[7] ?? ""}000`.slice(0, 3));
  return daysFromCivil(y, mo, d) * MS_PER_DAY + ((h * 60n + mi) * 60n + se) * 1000n + frac;
}

/**
 * Whether version `r` already existed at `timeMs`, comparing whole seconds
 * (the precision of `updated`): a version made at 12:00:05.700 counts as made
 * at 12:00:05, so resolving with its own `updated` value finds it.
 */
export function didVersionExistedAt(r: DidRecord, timeMs: bigint): boolean {
  return r.updated.timeMs / 1000n <= timeMs / 1000n;
}

// ---------------------------------------------------------------------------
// Resolution options

/** Which version to resolve: by number, by time, or (neither) the latest. */
export interface DidVersionSelector {
  versionId?: number;
  versionTimeMs?: bigint;
}

const VERSION_ID_RE = /^[1-9][0-9]{0,9}$/;

/**
 * Parses the `versionId` (positive decimal) and `versionTime` (ISO 8601 UTC)
 * resolution options, as strings; empty strings count as absent. Fails with
 * `did.invalid_resolution_option` when one is malformed or both are given.
 */
export function parseDidVersionSelector(o: {
  versionId?: string | undefined;
  versionTime?: string | undefined;
}): DidVersionSelector {
  const id = o.versionId === "" ? undefined : o.versionId;
  const time = o.versionTime === "" ? undefined : o.versionTime;
  if (id !== undefined && time !== undefined) {
    throw DidErrors.invalidResolutionOption.create("give versionId or versionTime, not both");
  }
  if (id !== undefined) {
    if (typeof id !== "string" || !VERSION_ID_RE.test(id) || Number(id) > MAX_DID_VERSION) {
      throw DidErrors.invalidResolutionOption.create(
        `versionId ${JSON.stringify(String(id).slice(0, 40))} is not an integer from 1 to ${MAX_DID_VERSION}`,
      );
    }
    return { versionId: Number(id) };
  }
  if (time !== undefined) {
    const ms = typeof time === "string" ? parseDidTime(time) : undefined;
    if (ms === undefined) {
      throw DidErrors.invalidResolutionOption.create(
        `versionTime ${JSON.stringify(String(time).slice(0, 40))} is not a UTC time such as 2025-01-01T00:00:00Z`,
      );
    }
    return { versionTimeMs: ms };
  }
  return {};
}

// ---------------------------------------------------------------------------
// Builders

/**
 * The DID document of a stored version. A deactivated version yields a bare
 * document (`@context` and `id`): its keys must no longer verify anything,
 * even for a relying party that overlooks the `deactivated` metadata.
 */
export function buildDidDocument(r: DidRecord): DidDocumentJson {
  const did = r.id;
  const doc: DidDocumentJson = { "@context": [DID_CORE_CONTEXT, MULTIKEY_CONTEXT], id: did };
  if (r.deactivated) return doc;
  if (r.controllers.length > 0) doc.controller = [...r.controllers];
  doc.verificationMethod = r.verificationMethods.map((m) => ({
    id: `${did}#${m.fragment}`,
    type: "Multikey",
    controller: did,
    publicKeyMultibase: ed25519ToMultibase(m.publicKey),
  }));
  doc.authentication = r.authentication.map((f) => `${did}#${f}`);
  if (r.assertionMethod.length > 0) doc.assertionMethod = r.assertionMethod.map((f) => `${did}#${f}`);
  if (r.keyAgreement.length > 0) {
    doc.keyAgreement = r.keyAgreement.map((k) => ({
      id: `${did}#${k.fragment}`,
      type: "Multikey",
      controller: did,
      publicKeyMultibase: x25519ToMultibase(k.publicKey),
    }));
  }
  if (r.services.length > 0) {
    doc.service = r.services.map((s) => ({ id: `${did}#${s.fragment}`, type: s.type, serviceEndpoint: s.endpoint }));
  }
  return doc;
}

/**
 * The resolution result of stored version `r`. Pass `next`, the version after
 * it, when `r` is not the latest: its number and time become `nextVersionId`
 * and `nextUpdate`.
 */
export function buildDidResolutionResult(r: DidRecord, next?: DidRecord): DidResolutionResultJson {
  const kind = didKindName(r.kind);
  if (kind === undefined) throw DidErrors.invalidKind.create(`DID ${r.id} has unknown kind ${r.kind}`);
  const meta: DidDocumentMetadataJson = {
    created: formatDidTime(r.created.timeMs),
    versionId: String(r.version),
    kind,
  };
  if (r.version > 1) meta.updated = formatDidTime(r.updated.timeMs);
  if (next !== undefined) {
    meta.nextVersionId = String(next.version);
    meta.nextUpdate = formatDidTime(next.updated.timeMs);
  }
  if (r.deactivated) meta.deactivated = true;
  return {
    "@context": DID_RESOLUTION_CONTEXT,
    didDocument: buildDidDocument(r),
    didResolutionMetadata: { contentType: DID_LD_JSON },
    didDocumentMetadata: meta,
  };
}
