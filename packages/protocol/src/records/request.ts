/**
 * Signed requests to a node's encrypted record store. A request is signed by
 * one authentication key of the requester's DID over a domain-separated,
 * canonical encoding of what it asks for — chain, DID, key, method, path with
 * query, body digest and time — so a signature can be replayed neither on
 * another chain, nor against another route or blob, nor (beyond the node's
 * ±120 s window) later. Browser-safe.
 */
import { concatBytes, fromHex, toHex, utf8 } from "../bytes.js";
import { bytes, encode, fixedBytes, option, string, struct, u64, vec } from "../codec/index.js";
import { sha256, signEd25519, verifyEd25519 } from "../crypto.js";
import { didStringCodec, FRAGMENT_PATTERN, fragmentCodec, parseDid } from "../modules/did/types.js";
import { RecordErrors } from "./errors.js";

/** Domain prefix of the signed digest: a request signature can never pass as a transaction's or another protocol's. */
export const RECORDS_REQUEST_DOMAIN = "urbis/records/request/v1";

/** The headers that carry a request signature (lowercase, as Node and fetch name them). */
export const RECORDS_HEADERS = {
  /** The requester, `did:urbis:<id>`. */
  did: "x-urbis-did",
  /** Fragment of the authentication method that signed, e.g. `key-1`. */
  key: "x-urbis-key",
  /** Signing time, Unix ms, decimal. */
  time: "x-urbis-time",
  /** Ed25519 signature, 128 lowercase hex digits. */
  signature: "x-urbis-signature",
} as const;

/** How far a request's signed time may be from the node's clock, ms. */
export const MAX_REQUEST_SKEW_MS = 120_000n;

/** Most wrapped keys one request may carry (a blob collects at most this many too). */
export const MAX_WRAPPED_KEYS = 64;
/** Longest recipient DID URL, bytes. */
export const MAX_RECIPIENT_BYTES = 160;
/**
 * Size of a libsodium sealed box of a 32-byte content key: ephemeral public
 * key (32) + key (32) + Poly1305 tag (16).
 */
export const SEALED_KEY_BYTES = 80;

/** A content key sealed to one recipient, named by the DID URL of its X25519 key agreement key. */
export interface WrappedKey {
  /** `did:urbis:<id>#<fragment>` of the key agreement key. */
  recipient: string;
  /** `crypto_box_seal(contentKey, recipientPublicKey)`. */
  sealed: Uint8Array;
}

const wrappedKeyCodec = struct({ recipient: string(MAX_RECIPIENT_BYTES), sealed: bytes(SEALED_KEY_BYTES) });
const bodyCodec = struct({ blob: option(bytes()), wrappedKeys: vec(wrappedKeyCodec, MAX_WRAPPED_KEYS) });

/** What a request body carries, decoded: a blob upload has `blob`, a key addition only `wrappedKeys`. */
export interface RecordsBody {
  blob?: Uint8Array;
  wrappedKeys: WrappedKey[];
}

/**
 * SHA-256 of a request body's canonical bytes (the empty string for a request
 * without body). It is taken over the decoded content, not the JSON text, so
 * client and node agree whatever the JSON's spacing or key order.
 */
export function recordsBodyHash(body?: RecordsBody): Uint8Array {
  if (body === undefined) return sha256(new Uint8Array(0));
  return sha256(encode(bodyCodec, { blob: body.blob, wrappedKeys: body.wrappedKeys }));
}

const requestCodec = struct({
  chainId: string(128),
  did: didStringCodec,
  keyFragment: fragmentCodec,
  method: string(16),
  /** Path and query as sent, e.g. `/v1/records/blobs/<hash>?access=7`. */
  path: string(4096),
  bodyHash: fixedBytes(32),
  timeMs: u64,
});

/** What a request signature covers. */
export interface RecordsRequest {
  chainId: string;
  did: string;
  keyFragment: string;
  method: string;
  path: string;
  bodyHash: Uint8Array;
  timeMs: bigint;
}

/** The 32 bytes an Ed25519 key signs for `r`: sha256(domain || canonical bytes). */
export function recordsRequestDigest(r: RecordsRequest): Uint8Array {
  return sha256(
    concatBytes(utf8(RECORDS_REQUEST_DOMAIN), encode(requestCodec, { ...r, method: r.method.toUpperCase() })),
  );
}

/** Signs `r` with an Ed25519 secret key and returns the headers that carry it. */
export function signRecordsRequest(r: RecordsRequest, secretKey: Uint8Array): Record<string, string> {
  const signature = signEd25519(recordsRequestDigest(r), secretKey);
  return {
    [RECORDS_HEADERS.did]: r.did,
    [RECORDS_HEADERS.key]: r.keyFragment,
    [RECORDS_HEADERS.time]: r.timeMs.toString(),
    [RECORDS_HEADERS.signature]: toHex(signature),
  };
}

/** The signature headers of a request, parsed. */
export interface RecordsSignatureHeaders {
  did: string;
  keyFragment: string;
  timeMs: bigint;
  signature: Uint8Array;
}

type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

function header(h: HeaderBag, name: string): string {
  const v = h[name];
  if (typeof v !== "string" || v.length === 0) {
    throw RecordErrors.unsigned.create(`header ${name} is missing or repeated`, { header: name });
  }
  return v;
}

/** Parses the signature headers; fails with `records.unsigned_request` when one is missing or malformed. */
export function parseRecordsHeaders(h: HeaderBag): RecordsSignatureHeaders {
  const did = header(h, RECORDS_HEADERS.did);
  try {
    parseDid(did);
  } catch {
    throw RecordErrors.unsigned.create(`${RECORDS_HEADERS.did} is not a did:urbis DID`, {
      header: RECORDS_HEADERS.did,
    });
  }
  const keyFragment = header(h, RECORDS_HEADERS.key);
  if (!FRAGMENT_PATTERN.test(keyFragment)) {
    throw RecordErrors.unsigned.create(`${RECORDS_HEADERS.key} is not a key fragment`, { header: RECORDS_HEADERS.key });
  }
  const time = header(h, RECORDS_HEADERS.time);
  if (!/^(0|[1-9][0-9]{0,15})$/.test(time)) {
    throw RecordErrors.unsigned.create(`${RECORDS_HEADERS.time} is not a time in ms`, { header: RECORDS_HEADERS.time });
  }
  const sig = header(h, RECORDS_HEADERS.signature);
  if (!/^[0-9a-f]{128}$/.test(sig)) {
    throw RecordErrors.unsigned.create(`${RECORDS_HEADERS.signature} is not 64 bytes of lowercase hex`, {
      header: RECORDS_HEADERS.signature,
    });
  }
  return { did, keyFragment, timeMs: BigInt(time), signature: fromHex(sig) };
}

/** Whether `signature` is `publicKey`'s Ed25519 signature of request `r`. */
export function verifyRecordsRequest(r: RecordsRequest, signature: Uint8Array, publicKey: Uint8Array): boolean {
  return verifyEd25519(signature, recordsRequestDigest(r), publicKey);
}

/** The content hash form the store names blobs by: 64 lowercase hex digits. */
export const CONTENT_HASH_PATTERN = "^[0-9a-f]{64}$";
