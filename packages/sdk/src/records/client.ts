/**
 * Talking to a node's encrypted record store: every call is a request signed
 * by an authentication key of the caller's DID (see records/request.ts in
 * @urbis/protocol). {@link fetchRecord} trusts the node for nothing: it
 * re-hashes the blob against the content hash the caller names (take it from
 * the chain's record entry) and opens it with the caller's own key. Browser-safe.
 */
import {
  type ApiRoutes,
  base64ToBytes,
  bytesToBase64,
  fillPath,
  type RecordsBody,
  type RouteOutput,
  recordsBodyHash,
  signRecordsRequest,
  type WrappedKey,
} from "@urbis/protocol";
import type { UrbisClient } from "../client/client.js";
import type { CallOptions } from "../client/http.js";
import { openRecord, type SealedRecord } from "./envelope.js";

/** Who signs record-store requests: a DID and one of its authentication keys. */
export interface RecordSigner {
  did: string;
  /** Fragment of the authentication method, e.g. `key-1`. */
  keyFragment: string;
  /** Its Ed25519 secret key. */
  secretKey: Uint8Array;
}

/** Options shared by the record-store calls. */
export interface RecordCallOptions extends CallOptions {
  /** The chain id to sign for (default: asked from the node's status). */
  chainId?: string;
  /** The signing time, Unix ms (default: now). */
  timeMs?: bigint;
}

/**
 * The signature headers of one request. `path` is the route path with its
 * parameters and query exactly as the client sends them (the node checks the
 * signature against the URL it receives, so a gateway must not rewrite it).
 */
export async function recordRequestHeaders(
  client: UrbisClient,
  signer: RecordSigner,
  method: string,
  path: string,
  body: RecordsBody | undefined,
  opts: RecordCallOptions,
): Promise<Record<string, string>> {
  const chainId = opts.chainId ?? (await client.status()).chainId;
  return signRecordsRequest(
    {
      chainId,
      did: signer.did,
      keyFragment: signer.keyFragment,
      method,
      path,
      bodyHash: recordsBodyHash(body),
      timeMs: opts.timeMs ?? BigInt(Date.now()),
    },
    signer.secretKey,
  );
}

function signedPath(template: string, params: Record<string, string>, query?: Record<string, string>): string {
  // The same URL encoding routeUrl uses, so the signed path is the sent one.
  const u = new URL(fillPath(template, params), "http://localhost");
  for (const [k, v] of Object.entries(query ?? {})) u.searchParams.append(k, v);
  return u.pathname + u.search;
}

function callOpts(opts: RecordCallOptions, headers: Record<string, string>): CallOptions {
  const { chainId: _c, timeMs: _t, headers: extra, ...call } = opts;
  return { ...call, headers: { ...extra, ...headers } };
}

const wrappedJson = (keys: readonly WrappedKey[]) =>
  keys.map((k) => ({ recipient: k.recipient, sealed: bytesToBase64(k.sealed) }));

/** Uploads a sealed record (blob and wrapped keys) to the node; idempotent. */
export async function uploadRecord(
  client: UrbisClient,
  signer: RecordSigner,
  sealed: Pick<SealedRecord, "blob" | "contentHash" | "wrappedKeys">,
  opts: RecordCallOptions = {},
): Promise<RouteOutput<ApiRoutes["putRecordBlob"]>> {
  const params = { contentHash: sealed.contentHash };
  const path = signedPath("/v1/records/blobs/{contentHash}", params);
  const headers = await recordRequestHeaders(
    client,
    signer,
    "PUT",
    path,
    { blob: sealed.blob, wrappedKeys: sealed.wrappedKeys },
    opts,
  );
  return client.api.putRecordBlob(
    { params, body: { blob: bytesToBase64(sealed.blob), wrappedKeys: wrappedJson(sealed.wrappedKeys) } },
    callOpts(opts, headers),
  );
}

/** Adds wrapped keys for new recipients to a stored blob (only its uploader may). */
export async function addRecordKeys(
  client: UrbisClient,
  signer: RecordSigner,
  contentHash: string,
  wrappedKeys: readonly WrappedKey[],
  opts: RecordCallOptions = {},
): Promise<RouteOutput<ApiRoutes["addRecordKeys"]>> {
  const params = { contentHash };
  const path = signedPath("/v1/records/blobs/{contentHash}/keys", params);
  const headers = await recordRequestHeaders(client, signer, "POST", path, { wrappedKeys: [...wrappedKeys] }, opts);
  return client.api.addRecordKeys({ params, body: { wrappedKeys: wrappedJson(wrappedKeys) } }, callOpts(opts, headers));
}

/** A record read from the store and opened. */
export interface FetchedRecord {
  plaintext: Uint8Array;
  blob: Uint8Array;
  wrappedKey: WrappedKey;
}

/**
 * Reads a blob against the on-chain access entry `accessId` (logged by the
 * signer's DID), checks it hashes to `contentHash` (else `records.tampered_blob`)
 * and opens it with `recipientSecretKey`, the X25519 secret of the key
 * agreement key the node found a wrapped key for.
 */
export async function fetchRecord(
  client: UrbisClient,
  signer: RecordSigner,
  o: { contentHash: string; accessId: string; recipientSecretKey: Uint8Array },
  opts: RecordCallOptions = {},
): Promise<FetchedRecord> {
  const params = { contentHash: o.contentHash };
  const query = { access: o.accessId };
  const path = signedPath("/v1/records/blobs/{contentHash}", params, query);
  const headers = await recordRequestHeaders(client, signer, "GET", path, undefined, opts);
  const r = await client.api.getRecordBlob({ params, query }, callOpts(opts, headers));
  const blob = base64ToBytes(r.blob);
  const wrappedKey = { recipient: r.wrappedKey.recipient, sealed: base64ToBytes(r.wrappedKey.sealed) };
  const plaintext = await openRecord({
    blob,
    wrappedKey,
    recipientSecretKey: o.recipientSecretKey,
    expectedHash: o.contentHash,
  });
  return { plaintext, blob, wrappedKey };
}
