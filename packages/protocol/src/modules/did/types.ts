/**
 * Wire and state types of the DID module (`did:urbis`): identifiers, the
 * stored record of one DID version, the store keys (here rather than in the
 * state machine so the browser SDK can ask for proofs of them), and the
 * stateless rules every document must follow.
 *
 * A DID is `did:urbis:<id>` where `<id>` is the base58btc (Bitcoin alphabet,
 * no multibase prefix) of the first 16 bytes of
 * SHA-256("urbis/did/v1" ‖ 0x00 ‖ initial Ed25519 public key). Only canonical
 * encodings of exactly 16 bytes are identifiers, so each DID has one spelling.
 *
 * The chain stores keys, controllers and service endpoints only: no names, no
 * personal attributes (see docs/did-method.md, privacy considerations).
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { base58, base64 } from "@scure/base";
import { bytesEqual, bytesKey, concatBytes, fromUtf8, hasPrefix, utf8 } from "../../bytes.js";
import { bool, bytes, type Codec, type Infer, string, struct, u8, u32, u64, vec } from "../../codec/index.js";
import { sha256 } from "../../crypto.js";
import { DidErrors } from "./errors.js";

/** The DID method name. */
export const DID_METHOD = "urbis";
/** What every Urbis DID starts with. */
export const DID_PREFIX = "did:urbis:";
/** Domain separator of the identifier hash, so it can never collide with another use of SHA-256 over a key. */
export const DID_ID_DOMAIN = "urbis/did/v1";
/** Bytes of the key hash an identifier encodes. */
export const DID_ID_BYTES = 16;
/**
 * Shape of a DID: the prefix and 16 to 22 base58btc characters (16 bytes take
 * 22 characters, fewer when they start with zero bytes). Canonicity is checked
 * apart, by {@link isDid}.
 */
export const URBIS_DID_PATTERN = /^did:urbis:([1-9A-HJ-NP-Za-km-z]{16,22})$/;
/** What every fragment (`#key-1`, `#messaging`) must match. */
export const FRAGMENT_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
/** What every service type must match, e.g. `LinkedDomains`, `DIDCommMessaging`. */
export const SERVICE_TYPE_PATTERN = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
/** Fragment of the key a DID is created with (its first verification method). */
export const INITIAL_KEY_FRAGMENT = "key-1";

/** Most controllers of one DID. */
export const MAX_DID_CONTROLLERS = 8;
/** Most verification methods of one DID. */
export const MAX_VERIFICATION_METHODS = 16;
/** Most entries of the authentication or the assertionMethod relationship. */
export const MAX_RELATIONSHIP_ENTRIES = 16;
/** Most key agreement keys of one DID. */
export const MAX_KEY_AGREEMENT_KEYS = 8;
/** Most services of one DID. */
export const MAX_DID_SERVICES = 16;
/** Longest service endpoint, in bytes. */
export const MAX_SERVICE_ENDPOINT_BYTES = 512;
/** Largest version number; a DID at this version cannot change again. */
export const MAX_DID_VERSION = 0xffff_ffff;
/** Length of Ed25519 and X25519 public keys. */
export const DID_KEY_LENGTH = 32;

// Wire limits are looser than the rules above, so a rule broken by a little is
// refused with its specific `did.*` error rather than as a malformed message.
/** Longest DID string the codec accepts. */
export const MAX_DID_WIRE_BYTES = 128;
/** Longest fragment the codec accepts. */
export const MAX_FRAGMENT_WIRE_BYTES = 64;
/** Longest key the codec accepts. */
export const MAX_DID_KEY_WIRE_BYTES = 64;
/** Longest list the codec accepts. */
export const MAX_DID_LIST_WIRE_ITEMS = 64;
/** Longest service type the codec accepts. */
export const MAX_SERVICE_TYPE_WIRE_BYTES = 128;
/** Longest service endpoint the codec accepts. */
export const MAX_SERVICE_ENDPOINT_WIRE_BYTES = 1024;

/** What a DID stands for. */
export const DID_KINDS = ["person", "organization", "device"] as const;
/** What a DID stands for: a person, an organization, or a device (a controller registers it). */
export type DidKind = (typeof DID_KINDS)[number];

/** Name of a kind code, or undefined for an unknown code. */
export function didKindName(code: number): DidKind | undefined {
  return DID_KINDS[code];
}

/** Code of a kind name (its wire byte). */
export function didKindCode(kind: DidKind): number {
  const i = DID_KINDS.indexOf(kind);
  if (i < 0) throw DidErrors.invalidKind.create(`unknown DID kind ${JSON.stringify(kind)}`);
  return i;
}

/** Fails with `did.invalid_kind` unless `code` names a kind. */
export function validateDidKind(code: number): void {
  if (didKindName(code) === undefined) {
    throw DidErrors.invalidKind.create(`DID kind ${code} is not 0 (person), 1 (organization) or 2 (device)`);
  }
}

// ---------------------------------------------------------------------------
// Identifiers

/** The method-specific id of the DID created with `publicKey`. */
export function didIdOf(publicKey: Uint8Array): string {
  const h = sha256(concatBytes(utf8(DID_ID_DOMAIN), Uint8Array.of(0), publicKey));
  return base58.encode(h.subarray(0, DID_ID_BYTES));
}

/** The DID created with `publicKey`: `did:urbis:` and {@link didIdOf}. */
export function didOf(publicKey: Uint8Array): string {
  return DID_PREFIX + didIdOf(publicKey);
}

/** The method-specific id of a canonical DID, or undefined. */
function idOf(did: unknown): string | undefined {
  if (typeof did !== "string") return undefined;
  const m = URBIS_DID_PATTERN.exec(did);
  if (!m) return undefined;
  const id = m[1] as string;
  let raw: Uint8Array;
  try {
    raw = base58.decode(id);
  } catch {
    return undefined;
  }
  // Leading '1's decode to zero bytes, so only the exact length and re-encoding pin one spelling.
  return raw.length === DID_ID_BYTES && base58.encode(raw) === id ? id : undefined;
}

/** Whether `s` is a canonical `did:urbis` identifier (no path, query or fragment). */
export function isDid(s: unknown): s is string {
  return idOf(s) !== undefined;
}

/** The method-specific id of `did`; fails with `did.invalid_did`. */
export function parseDid(did: string): string {
  const id = idOf(did);
  if (id === undefined) {
    throw DidErrors.invalidDid.create(`${JSON.stringify(String(did).slice(0, 140))} is not a did:urbis identifier`);
  }
  return id;
}

/** Fails with `did.invalid_did` unless `did` is a canonical `did:urbis` identifier. */
export function validateUrbisDid(did: string): void {
  parseDid(did);
}

/** A DID URL naming a DID or one of its methods or services. */
export interface DidUrl {
  did: string;
  fragment?: string;
}

/** Splits `did:urbis:<id>#<fragment>` (the fragment optional); fails with `did.invalid_did`. */
export function parseDidUrl(url: string): DidUrl {
  const hash = url.indexOf("#");
  if (hash < 0) {
    parseDid(url);
    return { did: url };
  }
  const did = url.slice(0, hash);
  const fragment = url.slice(hash + 1);
  parseDid(did);
  if (!FRAGMENT_PATTERN.test(fragment)) {
    throw DidErrors.invalidDid.create(`${JSON.stringify(url.slice(0, 140))} has a malformed fragment`);
  }
  return { did, fragment };
}

// ---------------------------------------------------------------------------
// Store keys

/** Every key of the DID module starts with this prefix. */
export const DID_STORE_PREFIX: Uint8Array = utf8("did/");
/** Prefix of the current record of every DID: `did/doc/<id>`. */
export const DID_DOCUMENT_PREFIX: Uint8Array = utf8("did/doc/");
/** Prefix of every stored version: `did/hist/<id>/<version, u32 big-endian>`. */
export const DID_HISTORY_PREFIX: Uint8Array = utf8("did/hist/");

/** Key of the current record of `did` (value: {@link DidRecord}); fails with `did.invalid_did`. */
export function didDocumentKey(did: string): Uint8Array {
  return concatBytes(DID_DOCUMENT_PREFIX, utf8(parseDid(did)));
}

/**
 * Prefix of every stored version of `did`. The id alphabet has no `/`, so no
 * DID's prefix is a prefix of another's.
 */
export function didHistoryPrefix(did: string): Uint8Array {
  return concatBytes(DID_HISTORY_PREFIX, utf8(parseDid(did)), utf8("/"));
}

/** Key of version `version` of `did` (value: {@link DidRecord}); big-endian, so versions iterate in order. */
export function didHistoryKey(did: string, version: number): Uint8Array {
  if (!Number.isInteger(version) || version < 1 || version > MAX_DID_VERSION) {
    throw DidErrors.versionNotFound.create(`version ${version} is not between 1 and ${MAX_DID_VERSION}`);
  }
  const v = new Uint8Array(4);
  new DataView(v.buffer).setUint32(0, version, false);
  return concatBytes(didHistoryPrefix(did), v);
}

/** The DID whose current record is stored under `key`, or undefined for another key. */
export function didOfDocumentKey(key: Uint8Array): string | undefined {
  if (key.length <= DID_DOCUMENT_PREFIX.length || !hasPrefix(key, DID_DOCUMENT_PREFIX)) return undefined;
  let did: string;
  try {
    did = DID_PREFIX + fromUtf8(key.subarray(DID_DOCUMENT_PREFIX.length));
  } catch {
    return undefined;
  }
  return isDid(did) ? did : undefined;
}

// ---------------------------------------------------------------------------
// Codecs

/** A DID on the wire (rules checked by validation). */
export const didStringCodec: Codec<string> = string(MAX_DID_WIRE_BYTES);
/** A fragment on the wire (rules checked by validation). */
export const fragmentCodec: Codec<string> = string(MAX_FRAGMENT_WIRE_BYTES);

/** A key with the fragment naming it: a verification method (Ed25519) or a key agreement key (X25519). */
export const didKeyEntryCodec = struct({
  /** Name within the document, e.g. `key-1` (the method's id is `<did>#key-1`). */
  fragment: fragmentCodec,
  /** Raw 32-byte public key (the wire admits more, so a wrong length gets `did.invalid_public_key`). */
  publicKey: bytes(MAX_DID_KEY_WIRE_BYTES),
});
/** A key with the fragment naming it. */
export type DidKeyEntry = Infer<typeof didKeyEntryCodec>;

/** A service: where to reach the subject (never data about it). */
export const didServiceCodec = struct({
  /** Name within the document (the service's id is `<did>#<fragment>`). */
  fragment: fragmentCodec,
  /** Service type, e.g. `LinkedDomains`. */
  type: string(MAX_SERVICE_TYPE_WIRE_BYTES),
  /** An https, wss or did URI. */
  endpoint: string(MAX_SERVICE_ENDPOINT_WIRE_BYTES),
});
/** A service of a DID document. */
export type DidService = Infer<typeof didServiceCodec>;

/** Where and when something happened: a block height and its time (Unix ms). */
export const blockStampCodec = struct({ height: u64, timeMs: u64 });
/** A block height and its time (Unix ms). */
export type BlockStamp = Infer<typeof blockStampCodec>;

const list = <T>(c: Codec<T>) => vec(c, MAX_DID_LIST_WIRE_ITEMS);

/** The parts of a DID document its controllers may replace (`did/update`). */
export interface DidContent {
  /** DIDs that control this one; empty means the DID controls itself. */
  controllers: string[];
  /** Ed25519 keys, each named by a fragment. */
  verificationMethods: DidKeyEntry[];
  /** Fragments of the verification methods that authenticate the subject (and authorize changes). */
  authentication: string[];
  /** Fragments of the verification methods that sign claims (credentials). */
  assertionMethod: string[];
  /** X25519 keys to encrypt to the subject. */
  keyAgreement: DidKeyEntry[];
  services: DidService[];
}

/** One version of a DID document, stored under `did/doc/<id>` (the current one) and `did/hist/<id>/<version>`. */
export const didRecordCodec = struct({
  /** The DID, `did:urbis:<id>`. */
  id: didStringCodec,
  /** Code of its {@link DidKind}. */
  kind: u8,
  controllers: list(didStringCodec),
  verificationMethods: list(didKeyEntryCodec),
  authentication: list(fragmentCodec),
  assertionMethod: list(fragmentCodec),
  keyAgreement: list(didKeyEntryCodec),
  services: list(didServiceCodec),
  /** 1 at creation, +1 at every update and at deactivation. */
  version: u32,
  /** The block of `did/create`. */
  created: blockStampCodec,
  /** The block that made this version (equal to `created` for version 1). */
  updated: blockStampCodec,
  /** Final: a deactivated DID never changes again. */
  deactivated: bool,
});
/** One version of a DID document. */
export type DidRecord = Infer<typeof didRecordCodec>;

/** The replaceable content of a record: what an update starting from it would carry unchanged. */
export function didContentOf(r: DidContent): DidContent {
  return {
    controllers: [...r.controllers],
    verificationMethods: r.verificationMethods.map((k) => ({ fragment: k.fragment, publicKey: k.publicKey.slice() })),
    authentication: [...r.authentication],
    assertionMethod: [...r.assertionMethod],
    keyAgreement: r.keyAgreement.map((k) => ({ fragment: k.fragment, publicKey: k.publicKey.slice() })),
    services: r.services.map((s) => ({ ...s })),
  };
}

// ---------------------------------------------------------------------------
// Rules

/**
 * Whether `key` is a usable Ed25519 verification key: 32 bytes that decode
 * strictly (RFC 8032) to a curve point of large order. Small-order points are
 * refused: signatures for them can be forged without any secret.
 */
export function isEd25519VerificationKey(key: Uint8Array): boolean {
  if (!(key instanceof Uint8Array) || key.length !== DID_KEY_LENGTH) return false;
  try {
    return !ed25519.Point.fromBytes(key, false).isSmallOrder();
  } catch {
    return false;
  }
}

const P25519 = (1n << 255n) - 19n;
/**
 * u-coordinates of the Curve25519 points (and twist points) whose order divides
 * the cofactor 8: 0, 1, p − 1 and the two of order 8. A shared secret with any
 * of them is fixed whatever the secret key, so they are useless for agreement.
 */
const X25519_LOW_ORDER = new Set<bigint>([
  0n,
  1n,
  P25519 - 1n,
  325606250916557431795983626356110631294008115727848805560023387167927233504n,
  39382357235489614581723060781553021112529911719440698176882885853963445705823n,
]);

/**
 * Whether `key` is a usable X25519 key agreement key: 32 bytes, canonical
 * (little-endian u below 2^255 − 19, top bit clear), not of small order.
 */
export function isX25519KeyAgreementKey(key: Uint8Array): boolean {
  if (!(key instanceof Uint8Array) || key.length !== DID_KEY_LENGTH) return false;
  let u = 0n;
  for (let i = DID_KEY_LENGTH - 1; i >= 0; i--) u = (u << 8n) | BigInt(key[i] as number);
  return u < P25519 && !X25519_LOW_ORDER.has(u);
}

/** Fails with `did.invalid_fragment` unless `f` matches {@link FRAGMENT_PATTERN}. */
export function validateFragment(f: string): void {
  if (!FRAGMENT_PATTERN.test(f)) {
    throw DidErrors.invalidFragment.create(
      `fragment ${JSON.stringify(f.slice(0, 80))} is not 1 to 32 of A-Z a-z 0-9 _ -`,
    );
  }
}

/** Fails with `did.invalid_public_key` unless `key` passes {@link isEd25519VerificationKey}. */
export function validateVerificationKey(key: Uint8Array, fragment: string): void {
  if (!isEd25519VerificationKey(key)) {
    throw DidErrors.invalidPublicKey.create(
      `verification method #${fragment}: ${key.length === DID_KEY_LENGTH ? `${base64.encode(key)} is not an Ed25519 point of large order` : `a key must be ${DID_KEY_LENGTH} bytes, got ${key.length}`}`,
    );
  }
}

/** Fails with `did.invalid_public_key` unless `key` passes {@link isX25519KeyAgreementKey}. */
export function validateKeyAgreementKey(key: Uint8Array, fragment: string): void {
  if (!isX25519KeyAgreementKey(key)) {
    throw DidErrors.invalidPublicKey.create(
      `key agreement key #${fragment}: ${key.length === DID_KEY_LENGTH ? `${base64.encode(key)} is not a canonical X25519 key of large order` : `a key must be ${DID_KEY_LENGTH} bytes, got ${key.length}`}`,
    );
  }
}

// RFC 3986 pieces, ASCII only: unreserved, sub-delims, ':' '@' and well-formed percent escapes.
const PCHAR = "(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})";
const TAIL = `(?:/${PCHAR}*)*(?:\\?(?:${PCHAR}|[/?])*)?(?:#(?:${PCHAR}|[/?])*)?`;
const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
// No user-info part (`user:pass@host`): credentials and personal names have no place on chain.
const HOST = `(?:${LABEL}(?:\\.${LABEL})*|\\[[0-9A-Fa-f:.]{2,45}\\])`;
const WEB_ENDPOINT = new RegExp(`^(?:https|wss)://${HOST}(?::[0-9]{1,5})?${TAIL}$`);
const DID_ENDPOINT = new RegExp(
  `^did:[a-z0-9]+:(?:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+${TAIL}$`,
);

/**
 * Whether `endpoint` is an acceptable service endpoint: an `https:` or `wss:`
 * URL with a host and no user-info, or a DID URL, in ASCII, at most
 * {@link MAX_SERVICE_ENDPOINT_BYTES} bytes. Contact schemes such as `mailto:`
 * and `tel:` are refused: they would put personal data on chain.
 */
export function isServiceEndpoint(endpoint: string): boolean {
  return endpoint.length <= MAX_SERVICE_ENDPOINT_BYTES && (WEB_ENDPOINT.test(endpoint) || DID_ENDPOINT.test(endpoint));
}

/** Fails with `did.invalid_fragment` or `did.invalid_service` unless the service follows the rules. */
export function validateService(s: DidService): void {
  validateFragment(s.fragment);
  if (!SERVICE_TYPE_PATTERN.test(s.type)) {
    throw DidErrors.invalidService.create(
      `service #${s.fragment}: type ${JSON.stringify(s.type.slice(0, 80))} is not 1 to 64 letters and digits starting with a letter`,
    );
  }
  if (!isServiceEndpoint(s.endpoint)) {
    throw DidErrors.invalidService.create(
      `service #${s.fragment}: endpoint must be an https, wss or did URI of at most ${MAX_SERVICE_ENDPOINT_BYTES} ASCII bytes, without user info`,
    );
  }
}

function tooMany(what: string, n: number, max: number): never {
  throw DidErrors.tooManyEntries.create(`${n} ${what}, at most ${max}`, { count: n, max });
}

function checkRelationship(name: string, fragments: readonly string[], methods: ReadonlySet<string>): void {
  if (fragments.length > MAX_RELATIONSHIP_ENTRIES)
    tooMany(`${name} entries`, fragments.length, MAX_RELATIONSHIP_ENTRIES);
  const seen = new Set<string>();
  for (const f of fragments) {
    validateFragment(f);
    if (seen.has(f)) throw DidErrors.duplicateFragment.create(`${name} lists #${f} twice`);
    seen.add(f);
    if (!methods.has(f)) {
      throw DidErrors.unknownMethod.create(`${name} names #${f}, which is not a verification method of the document`);
    }
  }
}

/**
 * Checks the replaceable content of a DID document: at most
 * {@link MAX_DID_CONTROLLERS} distinct, well-formed controllers; 1 to
 * {@link MAX_VERIFICATION_METHODS} verification methods with valid Ed25519
 * keys, no key twice; at most {@link MAX_KEY_AGREEMENT_KEYS} valid X25519 key
 * agreement keys; at most {@link MAX_DID_SERVICES} valid services; every
 * fragment well-formed and unique across methods, keys and services; at least
 * one authentication entry; relationships naming only verification methods,
 * each at most once. Fails with the specific `did.*` error.
 */
export function validateDidContent(c: DidContent): void {
  if (c.controllers.length > MAX_DID_CONTROLLERS) tooMany("controllers", c.controllers.length, MAX_DID_CONTROLLERS);
  const controllers = new Set<string>();
  for (const ctl of c.controllers) {
    validateUrbisDid(ctl);
    if (controllers.has(ctl)) throw DidErrors.duplicateController.create(`controller ${ctl} is listed twice`);
    controllers.add(ctl);
  }

  if (c.verificationMethods.length === 0) {
    throw DidErrors.noAuthentication.create("a DID document needs at least one verification method");
  }
  if (c.verificationMethods.length > MAX_VERIFICATION_METHODS) {
    tooMany("verification methods", c.verificationMethods.length, MAX_VERIFICATION_METHODS);
  }
  if (c.keyAgreement.length > MAX_KEY_AGREEMENT_KEYS) {
    tooMany("key agreement keys", c.keyAgreement.length, MAX_KEY_AGREEMENT_KEYS);
  }
  if (c.services.length > MAX_DID_SERVICES) tooMany("services", c.services.length, MAX_DID_SERVICES);

  const fragments = new Set<string>();
  const claim = (f: string) => {
    if (fragments.has(f)) throw DidErrors.duplicateFragment.create(`fragment #${f} is used twice in the document`);
    fragments.add(f);
  };
  const keys = new Set<string>();
  for (const m of c.verificationMethods) {
    validateFragment(m.fragment);
    validateVerificationKey(m.publicKey, m.fragment);
    claim(m.fragment);
    const k = bytesKey(m.publicKey);
    if (keys.has(k)) {
      throw DidErrors.duplicateKey.create(`verification method #${m.fragment} repeats the key of another method`);
    }
    keys.add(k);
  }
  for (const k of c.keyAgreement) {
    validateFragment(k.fragment);
    validateKeyAgreementKey(k.publicKey, k.fragment);
    claim(k.fragment);
  }
  for (const s of c.services) {
    validateService(s);
    claim(s.fragment);
  }

  const methods = new Set(c.verificationMethods.map((m) => m.fragment));
  if (c.authentication.length === 0) {
    throw DidErrors.noAuthentication.create("a DID document needs at least one authentication method");
  }
  checkRelationship("authentication", c.authentication, methods);
  checkRelationship("assertionMethod", c.assertionMethod, methods);
}

/** The Ed25519 keys of a document's authentication relationship, in its order. */
export function authenticationKeys(c: DidContent): Uint8Array[] {
  const byFragment = new Map(c.verificationMethods.map((m) => [m.fragment, m.publicKey]));
  return c.authentication.flatMap((f) => {
    const k = byFragment.get(f);
    return k ? [k] : [];
  });
}

/** Whether `key` is one of the document's authentication keys. */
export function isAuthenticationKey(c: DidContent, key: Uint8Array): boolean {
  return authenticationKeys(c).some((k) => bytesEqual(k, key));
}

// ---------------------------------------------------------------------------
// JSON form (genesis, history): keys base64, heights and times decimal strings.

/** A key entry as JSON. */
export type DidKeyEntryJson = {
  fragment: string;
  /** Raw key, padded base64. */
  publicKey: string;
};

/** A block stamp as JSON. */
export type BlockStampJson = {
  height: string;
  timeMs: string;
};

/** One version of a DID document as JSON (the genesis and export form). */
export type DidRecordJson = {
  id: string;
  kind: DidKind;
  controllers: string[];
  verificationMethods: DidKeyEntryJson[];
  authentication: string[];
  assertionMethod: string[];
  keyAgreement: DidKeyEntryJson[];
  services: { fragment: string; type: string; endpoint: string }[];
  version: number;
  created: BlockStampJson;
  updated: BlockStampJson;
  deactivated: boolean;
};

const keyJson = (k: DidKeyEntry): DidKeyEntryJson => ({ fragment: k.fragment, publicKey: base64.encode(k.publicKey) });
/** A block stamp as JSON. */
export const blockStampToJson = (s: BlockStamp): BlockStampJson => ({
  height: s.height.toString(),
  timeMs: s.timeMs.toString(),
});

/** JSON form of a stored record (an unknown kind code, which validation never lets in, fails with `did.invalid_kind`). */
export function didRecordToJson(r: DidRecord): DidRecordJson {
  const kind = didKindName(r.kind);
  if (kind === undefined) throw DidErrors.invalidKind.create(`stored DID ${r.id} has kind ${r.kind}`);
  return {
    id: r.id,
    kind,
    controllers: [...r.controllers],
    verificationMethods: r.verificationMethods.map(keyJson),
    authentication: [...r.authentication],
    assertionMethod: [...r.assertionMethod],
    keyAgreement: r.keyAgreement.map(keyJson),
    services: r.services.map((s) => ({ fragment: s.fragment, type: s.type, endpoint: s.endpoint })),
    version: r.version,
    created: blockStampToJson(r.created),
    updated: blockStampToJson(r.updated),
    deactivated: r.deactivated,
  };
}
