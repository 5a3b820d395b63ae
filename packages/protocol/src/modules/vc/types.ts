/**
 * Wire and state types of the verifiable credentials module: the trusted
 * issuer registry (per credential type, managed by governance) and Bitstring
 * Status Lists whose bits live on chain. Credentials themselves never touch
 * the chain. Browser-safe.
 */
import { base64urlnopad } from "@scure/base";
import { gunzipSync, gzipSync } from "fflate";
import { concatBytes, fromUtf8, hasPrefix, utf8 } from "../../bytes.js";
import { bytes, type Infer, string, struct, u8, u32 } from "../../codec/index.js";
import { blockStampCodec, didStringCodec, validateUrbisDid } from "../did/types.js";
import { VcErrors } from "./errors.js";

/** Smallest status list, in bits (W3C Bitstring Status List: at least 16 KiB, for herd privacy). */
export const MIN_STATUS_LIST_BITS = 131_072;
/** Largest status list, in bits (128 KiB of state). */
export const MAX_STATUS_LIST_BITS = 1_048_576;
/** Wire bound of a credential type name. */
export const MAX_CREDENTIAL_TYPE_WIRE_BYTES = 128;
/** Wire bound of a status list id. */
export const MAX_LIST_ID_WIRE_BYTES = 128;

/** A credential type name: a letter, then letters and digits (`PatientCredential`). */
export const CREDENTIAL_TYPE_PATTERN = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
/** A status list id. */
export const LIST_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** The type every credential carries, which names no kind of claim and so cannot be trusted for. */
export const GENERIC_CREDENTIAL_TYPE = "VerifiableCredential";

/** What a status list records. */
export type StatusPurpose = "revocation" | "suspension";
/** Status purposes by code. */
export const STATUS_PURPOSES: readonly StatusPurpose[] = ["revocation", "suspension"];

/** The code of a purpose name, or undefined. */
export function statusPurposeCode(p: string): number | undefined {
  const i = STATUS_PURPOSES.indexOf(p as StatusPurpose);
  return i < 0 ? undefined : i;
}

/** Fails with `vc.invalid_credential_type` unless `t` is a type that can be trusted for. */
export function validateCredentialType(t: string): void {
  if (!CREDENTIAL_TYPE_PATTERN.test(t) || t === GENERIC_CREDENTIAL_TYPE) {
    throw VcErrors.invalidCredentialType.create(`credential type ${JSON.stringify(t.slice(0, 80))} is not allowed`);
  }
}

/** Fails with `vc.invalid_list_id` unless `id` matches {@link LIST_ID_PATTERN}. */
export function validateListId(id: string): void {
  if (!LIST_ID_PATTERN.test(id)) {
    throw VcErrors.invalidListId.create(`status list id ${JSON.stringify(id.slice(0, 80))} is not allowed`);
  }
}

/** Fails with `vc.invalid_status_purpose` unless `code` names a purpose. */
export function validateStatusPurpose(code: number): StatusPurpose {
  const p = STATUS_PURPOSES[code];
  if (p === undefined) throw VcErrors.invalidStatusPurpose.create(`status purpose code ${code}`);
  return p;
}

/** Fails with `vc.invalid_list_length` unless `bits` is a whole number of bytes within the bounds. */
export function validateListLength(bits: number): void {
  if (!Number.isInteger(bits) || bits % 8 !== 0 || bits < MIN_STATUS_LIST_BITS || bits > MAX_STATUS_LIST_BITS) {
    throw VcErrors.invalidListLength.create(
      `a status list has a multiple of 8 bits between ${MIN_STATUS_LIST_BITS} and ${MAX_STATUS_LIST_BITS}, not ${bits}`,
    );
  }
}

// ---------------------------------------------------------------------------
// Store keys (here, not in the state package, so the SDK can ask for proofs of them)

/** Prefix of every key of the module. */
export const VC_STORE_PREFIX: Uint8Array = utf8("vc/");
/** Prefix of trust entries: `vc/trust/<type>/<did>`. */
export const VC_TRUST_PREFIX: Uint8Array = utf8("vc/trust/");
/** Prefix of status lists: `vc/list/<listId>`. */
export const VC_LIST_PREFIX: Uint8Array = utf8("vc/list/");

/** Key of the entry trusting `issuerDid` for `credentialType` (the type's pattern has no `/`). */
export function trustedIssuerKey(credentialType: string, issuerDid: string): Uint8Array {
  return concatBytes(VC_TRUST_PREFIX, utf8(`${credentialType}/${issuerDid}`));
}

/** Prefix of every trust entry of `credentialType`. */
export function trustedIssuerTypePrefix(credentialType: string): Uint8Array {
  return concatBytes(VC_TRUST_PREFIX, utf8(`${credentialType}/`));
}

/** Key of status list `listId`. */
export function statusListKey(listId: string): Uint8Array {
  return concatBytes(VC_LIST_PREFIX, utf8(listId));
}

/** The list id of a status list key, or undefined for another key. */
export function listIdOfKey(key: Uint8Array): string | undefined {
  if (!hasPrefix(key, VC_LIST_PREFIX)) return undefined;
  return fromUtf8(key.subarray(VC_LIST_PREFIX.length));
}

// ---------------------------------------------------------------------------
// Stored records

/** A trust entry: governance trusts `issuerDid` to issue credentials of `credentialType`. */
export const trustedIssuerCodec = struct({
  credentialType: string(MAX_CREDENTIAL_TYPE_WIRE_BYTES),
  issuerDid: didStringCodec,
  /** The block that added it. */
  added: blockStampCodec,
});
/** A trust entry. */
export type TrustedIssuer = Infer<typeof trustedIssuerCodec>;

/** A status list as stored: its owner, purpose and bits (bit 0 is the high bit of byte 0, as W3C orders them). */
export const statusListCodec = struct({
  listId: string(MAX_LIST_ID_WIRE_BYTES),
  /** The DID whose authentication keys may set bits, and who issues the credentials pointing here. */
  issuerDid: didStringCodec,
  /** Code of the {@link StatusPurpose}. */
  purpose: u8,
  /** Length in bits. */
  length: u32,
  bits: bytes(MAX_STATUS_LIST_BITS / 8),
  created: blockStampCodec,
  updated: blockStampCodec,
});
/** A stored status list. */
export type StatusList = Infer<typeof statusListCodec>;

/** Bit `index` of a bitstring (W3C order: index 0 is the most significant bit of the first byte). */
export function getStatusBit(bits: Uint8Array, index: number): boolean {
  const byte = bits[index >> 3];
  if (byte === undefined || index < 0) return false;
  return ((byte >> (7 - (index & 7))) & 1) === 1;
}

/** A copy of `bits` with bit `index` set to `value`. */
export function withStatusBit(bits: Uint8Array, index: number, value: boolean): Uint8Array {
  const out = bits.slice();
  const mask = 1 << (7 - (index & 7));
  const i = index >> 3;
  out[i] = value ? (out[i] as number) | mask : (out[i] as number) & ~mask;
  return out;
}

/**
 * The W3C `encodedList` of a bitstring: multibase base64url (prefix `u`) of
 * its GZIP. The GZIP header's time is 0 and the level fixed, so every node
 * answers the same string for the same bits.
 */
export function encodeStatusList(bits: Uint8Array): string {
  return `u${base64urlnopad.encode(gzipSync(bits, { level: 9, mtime: 0 }))}`;
}

/** The bitstring of an `encodedList`; fails with `vc.malformed_credential` for anything else. */
export function decodeStatusList(encoded: string): Uint8Array {
  try {
    if (!encoded.startsWith("u")) throw new TypeError("not multibase base64url");
    return gunzipSync(base64urlnopad.decode(encoded.slice(1)));
  } catch (e) {
    throw VcErrors.malformedCredential.create(`encodedList is not multibase base64url GZIP: ${String(e)}`);
  }
}

/** The `statusListCredential` URL of an on-chain list: a URN, since the chain, not a web server, holds the list. */
export function statusListUrl(listId: string): string {
  return `urn:urbis:vc:status-list:${listId}`;
}

/** The list id of a {@link statusListUrl}, or undefined. */
export function listIdOfStatusListUrl(url: string): string | undefined {
  const prefix = "urn:urbis:vc:status-list:";
  if (!url.startsWith(prefix)) return undefined;
  const id = url.slice(prefix.length);
  return LIST_ID_PATTERN.test(id) ? id : undefined;
}

/** Fails with `did.invalid_did` or `vc.invalid_credential_type` unless a trust entry's fields follow the rules. */
export function validateTrustEntry(credentialType: string, issuerDid: string): void {
  validateCredentialType(credentialType);
  validateUrbisDid(issuerDid);
}
