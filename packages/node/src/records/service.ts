/**
 * The record store's request logic behind the three `records` routes:
 * authenticate the signed request against the requester's DID, check the
 * input, and store or serve blobs. The HTTP layer only hands it the request.
 */
import {
  base64ToBytes,
  bytesToBase64,
  type DidDocumentJson,
  DidErrors,
  type DidResolutionResultJson,
  fromUtf8,
  MAX_REQUEST_SKEW_MS,
  multibaseToEd25519,
  parseDidUrl,
  parseRecordsHeaders,
  RecordErrors,
  type RecordsBody,
  recordsBodyHash,
  SEALED_KEY_BYTES,
  sha256,
  toHex,
  utf8,
  verifyRecordsRequest,
  type WrappedKey,
} from "@urbis/protocol";
import { resultError } from "../api/http-errors.js";
import type { NodeService } from "../service.js";
import type { RecordAccessLookup } from "./lookup.js";
import type { FileBlobStore } from "./store.js";

/** Default largest blob a node stores, bytes. */
export const DEFAULT_MAX_BLOB_BYTES = 8 * 1024 * 1024;
/** Default read window: an access entry serves reads for this long after its block, ms. */
export const DEFAULT_ACCESS_WINDOW_MS = 600_000n;
/** Envelope format: version byte 1, 24-byte nonce, 16-byte tag at least. */
const MIN_BLOB_BYTES = 41;

/** What the store needs. */
export interface RecordStoreOptions {
  node: NodeService;
  store: FileBlobStore;
  /** On-chain access and record entries (production: {@link nodeAccessLookup}). */
  lookup: RecordAccessLookup;
  maxBlobBytes?: number;
  accessWindowMs?: bigint;
  /** The node's clock, Unix ms (requests must be signed within ±120 s of it). */
  nowMs?: () => number;
}

/** The parts of an HTTP request the signature covers. */
export interface SignedHttpRequest {
  method: string;
  /** Path and query as received, e.g. `/v1/records/blobs/<hash>?access=7`. */
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** A wrapped key as JSON. */
export interface WrappedKeyJson {
  recipient: string;
  sealed: string;
}

/** An authenticated requester. */
export interface Requester {
  did: string;
  keyFragment: string;
  document: DidDocumentJson;
}

function decodeB64(s: string, field: string): Uint8Array {
  try {
    return base64ToBytes(s);
  } catch {
    throw RecordErrors.invalidEnvelope.create(`${field} is not canonical base64`, { field });
  }
}

/** Decodes and checks wrapped keys: did:urbis key URLs, no recipient twice, sealed boxes of a 32-byte key. */
function wrappedKeysOf(list: readonly WrappedKeyJson[]): WrappedKey[] {
  const seen = new Set<string>();
  return list.map((k, i) => {
    let fragment: string | undefined;
    try {
      fragment = parseDidUrl(k.recipient).fragment;
    } catch {
      fragment = undefined;
    }
    if (fragment === undefined || seen.has(k.recipient)) {
      throw RecordErrors.invalidRecipient.create(
        fragment === undefined
          ? `wrappedKeys[${i}].recipient is not a did:urbis key URL`
          : `${k.recipient} is listed twice`,
        { recipient: k.recipient },
      );
    }
    seen.add(k.recipient);
    const sealed = decodeB64(k.sealed, `wrappedKeys[${i}].sealed`);
    if (sealed.length !== SEALED_KEY_BYTES) {
      throw RecordErrors.invalidEnvelope.create(
        `wrappedKeys[${i}].sealed is ${sealed.length} bytes, not a ${SEALED_KEY_BYTES}-byte sealed box`,
        { recipient: k.recipient },
      );
    }
    return { recipient: k.recipient, sealed };
  });
}

/** The encrypted record store of one node. */
export class RecordStoreService {
  readonly maxBlobBytes: number;
  readonly accessWindowMs: bigint;
  private readonly nowMs: () => number;

  constructor(private readonly o: RecordStoreOptions) {
    this.maxBlobBytes = o.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES;
    this.accessWindowMs = o.accessWindowMs ?? DEFAULT_ACCESS_WINDOW_MS;
    this.nowMs = o.nowMs ?? Date.now;
  }

  /** The latest DID document of `did`, or undefined when it is unknown or deactivated. */
  private resolve(did: string): DidDocumentJson | undefined {
    const r = this.o.node.query("/did/resolve", utf8(JSON.stringify({ did })), 0n, false);
    if (r.code === 0) return (JSON.parse(fromUtf8(r.value)) as DidResolutionResultJson).didDocument;
    for (const def of [DidErrors.notFound, DidErrors.deactivated]) {
      if (r.codespace === def.codespace && r.code === def.code) return undefined;
    }
    throw resultError(r.code, r.codespace, r.log);
  }

  /**
   * Checks a signed request: headers present, time within ±120 s of the node's
   * clock, DID registered and active, key one of its authentication methods,
   * signature valid over this chain, method, path, body and time.
   */
  authenticate(req: SignedHttpRequest, body?: RecordsBody): Requester {
    const h = parseRecordsHeaders(req.headers);
    const skew = BigInt(this.nowMs()) - h.timeMs;
    if (skew > MAX_REQUEST_SKEW_MS || -skew > MAX_REQUEST_SKEW_MS) {
      throw RecordErrors.staleRequest.create(`the request was signed ${skew} ms away from the node's clock`, {
        skewMs: skew.toString(),
      });
    }
    const document = this.resolve(h.did);
    if (!document) throw RecordErrors.unknownRequester.create(`${h.did} is not an active DID`, { did: h.did });
    const methodId = `${h.did}#${h.keyFragment}`;
    const method = document.verificationMethod?.find((m) => m.id === methodId);
    const publicKey = method ? multibaseToEd25519(method.publicKeyMultibase) : undefined;
    if (!document.authentication?.includes(methodId) || !publicKey) {
      throw RecordErrors.keyNotAuthorized.create(`${methodId} is not an authentication method of ${h.did}`, {
        did: h.did,
        key: h.keyFragment,
      });
    }
    const ok = verifyRecordsRequest(
      {
        chainId: this.o.node.status().chainId,
        did: h.did,
        keyFragment: h.keyFragment,
        method: req.method,
        path: req.url,
        bodyHash: recordsBodyHash(body),
        timeMs: h.timeMs,
      },
      h.signature,
      publicKey,
    );
    if (!ok) throw RecordErrors.badSignature.create(`the signature does not verify under ${methodId}`, { did: h.did });
    return { did: h.did, keyFragment: h.keyFragment, document };
  }

  /** `PUT /v1/records/blobs/{hash}`. */
  async put(req: SignedHttpRequest, hash: string, body: { blob: string; wrappedKeys: WrappedKeyJson[] }) {
    // Bounded before decoding: 4 base64 characters carry 3 bytes.
    if (body.blob.length > Math.ceil(this.maxBlobBytes / 3) * 4) this.tooLarge(Math.floor((body.blob.length * 3) / 4));
    const blob = decodeB64(body.blob, "blob");
    if (blob.length > this.maxBlobBytes) this.tooLarge(blob.length);
    const wrappedKeys = wrappedKeysOf(body.wrappedKeys);
    const who = this.authenticate(req, { blob, wrappedKeys });
    const actual = toHex(sha256(blob));
    if (actual !== hash) {
      throw RecordErrors.tampered.create(`the blob hashes to ${actual}, not ${hash}`, { expected: hash, actual });
    }
    if (blob.length < MIN_BLOB_BYTES || blob[0] !== 1) {
      throw RecordErrors.invalidEnvelope.create("the blob is not a version-1 envelope", { contentHash: hash });
    }
    const r = await this.o.store.put(hash, blob, who.did, wrappedKeys);
    return { contentHash: hash, size: blob.length, ...r };
  }

  private tooLarge(size: number): never {
    throw RecordErrors.tooLarge.create(`the blob is ${size} bytes; this node stores at most ${this.maxBlobBytes}`, {
      size,
      maxBytes: this.maxBlobBytes,
    });
  }

  /** `POST /v1/records/blobs/{hash}/keys`. */
  async addKeys(req: SignedHttpRequest, hash: string, body: { wrappedKeys: WrappedKeyJson[] }) {
    const wrappedKeys = wrappedKeysOf(body.wrappedKeys);
    const who = this.authenticate(req, { wrappedKeys });
    const r = await this.o.store.addKeys(hash, who.did, wrappedKeys);
    return { contentHash: hash, ...r };
  }

  /**
   * `GET /v1/records/blobs/{hash}?access=<id>`: the blob and the requester's
   * wrapped key, against a recent on-chain access entry logged by the requester.
   * Access is checked before the store is touched, so a stranger learns nothing
   * about which blobs exist.
   */
  async get(req: SignedHttpRequest, hash: string, accessId: string) {
    const who = this.authenticate(req);
    const { lookup } = this.o;
    const access = lookup.access(accessId);
    const deny = (reason: string, message: string) =>
      RecordErrors.noAccess.create(message, { accessId, contentHash: hash, reason });
    if (!access) throw deny("unknown_access", `the chain has no access entry ${accessId}`);
    if (access.accessorDid !== who.did) {
      throw deny("other_accessor", `access ${accessId} was logged by another DID than ${who.did}`);
    }
    if (access.contentHash.toLowerCase() !== hash) {
      throw deny("other_blob", `access ${accessId} is for another blob than ${hash}`);
    }
    const record = lookup.record(access.recordId);
    if (!record || record.contentHash.toLowerCase() !== hash) {
      throw deny("record_mismatch", `the record ${access.recordId} of access ${accessId} is not blob ${hash}`);
    }
    const age = lookup.blockTimeMs() - BigInt(access.timeMs);
    if (age > this.accessWindowMs) {
      throw RecordErrors.accessExpired.create(
        `access ${accessId} is ${age} ms of block time old; reads are served within ${this.accessWindowMs} ms`,
        { accessId, ageMs: age.toString(), windowMs: this.accessWindowMs.toString() },
      );
    }
    const meta = await this.o.store.meta(hash);
    const blob = meta ? await this.o.store.read(hash) : undefined;
    if (!meta || !blob) throw RecordErrors.unknownBlob.create(`no blob is stored under ${hash}`, { contentHash: hash });
    const mine = new Set((who.document.keyAgreement ?? []).map((k) => k.id));
    const wrappedKey = meta.wrappedKeys.find((k) => mine.has(k.recipient));
    if (!wrappedKey) {
      throw RecordErrors.noWrappedKey.create(
        `no wrapped key of ${hash} is addressed to a key agreement key of ${who.did}`,
        {
          contentHash: hash,
          did: who.did,
        },
      );
    }
    return {
      contentHash: hash,
      blob: bytesToBase64(blob),
      wrappedKey: { recipient: wrappedKey.recipient, sealed: bytesToBase64(wrappedKey.sealed) },
      accessId,
    };
  }
}
