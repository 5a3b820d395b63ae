/**
 * The encrypted envelope of a health record (docs: /work/shared issue 5 design,
 * "Encrypted envelope"). Browser-safe.
 *
 * - content key (32 B) and nonce (24 B) = HKDF-SHA256(ikm = the patient's
 *   health secret, salt = "urbis/health/v1", info = "content-key" / "nonce" ||
 *   sha256(plaintext)): convergent per patient, so the same content sealed
 *   twice for one patient is the same blob and the chain sees the duplicate;
 * - blob = 0x01 || nonce || XChaCha20-Poly1305(contentKey, nonce, plaintext,
 *   aad = "urbis/health/blob/v1");
 * - contentHash = hex(sha256(blob)); a blob that hashes otherwise is tampered;
 * - each recipient gets the content key in a libsodium sealed box
 *   (crypto_box_seal) to its X25519 key agreement key, named by DID URL.
 *
 * Key wrapping uses libsodium itself (`libsodium-wrappers`, WebAssembly, no
 * Node built-ins) rather than HPKE: the design names crypto_box_seal, and the
 * reference implementation gives byte-for-byte interoperability with every
 * other libsodium binding (wallets, Python/Go services) at no cost in code we
 * would have to get right ourselves.
 */
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import {
  bytesEqual,
  concatBytes,
  type DidDocumentJson,
  isX25519KeyAgreementKey,
  multibaseToX25519,
  parseDidUrl,
  RecordErrors,
  SEALED_KEY_BYTES,
  toHex,
  utf8,
  type WrappedKey,
} from "@urbis/protocol";
import sodium from "libsodium-wrappers";

/** Version byte of the envelope format. */
export const ENVELOPE_VERSION = 1;
/** HKDF salt of the content key and nonce. */
export const ENVELOPE_SALT = "urbis/health/v1";
/** Associated data of the AEAD. */
export const ENVELOPE_AAD = "urbis/health/blob/v1";
/** Nonce length of XChaCha20-Poly1305. */
export const ENVELOPE_NONCE_BYTES = 24;
/** Smallest blob: version, nonce and the 16-byte tag of an empty plaintext. */
export const MIN_BLOB_BYTES = 1 + ENVELOPE_NONCE_BYTES + 16;

const SALT = utf8(ENVELOPE_SALT);
const AAD = utf8(ENVELOPE_AAD);

/** Who may open a sealed record: an X25519 key agreement key named by DID URL. */
export interface RecordRecipient {
  /** `did:urbis:<id>#<fragment>`. */
  id: string;
  /** The raw 32-byte X25519 public key. */
  publicKey: Uint8Array;
}

/** A sealed record: the blob to store, its hash and one wrapped key per recipient. */
export interface SealedRecord {
  blob: Uint8Array;
  /** sha256(blob), lowercase hex. */
  contentHash: string;
  wrappedKeys: WrappedKey[];
  /** The content key, so the caller can wrap it for later recipients ({@link wrapKeyFor}); keep it secret. */
  contentKey: Uint8Array;
}

/** Content key and nonce of `plaintext` for a patient: deterministic (convergent) by design. */
export function deriveContentKey(
  patientSecret: Uint8Array,
  plaintext: Uint8Array,
): { contentKey: Uint8Array; nonce: Uint8Array } {
  if (patientSecret.length !== 32) {
    throw RecordErrors.invalidEnvelope.create(`the patient health secret is ${patientSecret.length} bytes, not 32`);
  }
  const digest = sha256(plaintext);
  return {
    contentKey: hkdf(sha256, patientSecret, SALT, concatBytes(utf8("content-key"), digest), 32),
    nonce: hkdf(sha256, patientSecret, SALT, concatBytes(utf8("nonce"), digest), ENVELOPE_NONCE_BYTES),
  };
}

/** hex(sha256(blob)): the name a blob is stored and registered under. */
export function contentHashOf(blob: Uint8Array): string {
  return toHex(sha256(blob));
}

function checkRecipient(r: RecordRecipient): void {
  let fragment: string | undefined;
  try {
    fragment = parseDidUrl(r.id).fragment;
  } catch {
    fragment = undefined;
  }
  if (fragment === undefined) {
    throw RecordErrors.invalidRecipient.create(`${JSON.stringify(r.id.slice(0, 160))} is not a did:urbis key URL`, {
      recipient: r.id.slice(0, 160),
    });
  }
  if (!isX25519KeyAgreementKey(r.publicKey)) {
    throw RecordErrors.invalidRecipient.create(`${r.id} has no usable X25519 public key`, { recipient: r.id });
  }
}

/** Seals `contentKey` to one recipient (a fresh ephemeral key each time, so two wraps differ). */
export async function wrapKeyFor(contentKey: Uint8Array, recipient: RecordRecipient): Promise<WrappedKey> {
  checkRecipient(recipient);
  if (contentKey.length !== 32) throw RecordErrors.invalidEnvelope.create("a content key is 32 bytes");
  await sodium.ready;
  return { recipient: recipient.id, sealed: sodium.crypto_box_seal(contentKey, recipient.publicKey) };
}

/** Encrypts `plaintext` for a patient and wraps its content key for each recipient. */
export async function sealRecord(o: {
  patientSecret: Uint8Array;
  plaintext: Uint8Array;
  recipients: readonly RecordRecipient[];
}): Promise<SealedRecord> {
  const seen = new Set<string>();
  for (const r of o.recipients) {
    if (seen.has(r.id)) throw RecordErrors.invalidRecipient.create(`${r.id} is listed twice`, { recipient: r.id });
    seen.add(r.id);
  }
  const { contentKey, nonce } = deriveContentKey(o.patientSecret, o.plaintext);
  const ciphertext = xchacha20poly1305(contentKey, nonce, AAD).encrypt(o.plaintext);
  const blob = concatBytes(Uint8Array.of(ENVELOPE_VERSION), nonce, ciphertext);
  const wrappedKeys: WrappedKey[] = [];
  for (const r of o.recipients) wrappedKeys.push(await wrapKeyFor(contentKey, r));
  return { blob, contentHash: contentHashOf(blob), wrappedKeys, contentKey };
}

/** Opens a wrapped key with the recipient's X25519 secret key; fails with `records.wrong_key`. */
export async function unwrapKey(wrappedKey: WrappedKey, recipientSecretKey: Uint8Array): Promise<Uint8Array> {
  if (wrappedKey.sealed.length !== SEALED_KEY_BYTES) {
    throw RecordErrors.invalidEnvelope.create(`a wrapped key is ${SEALED_KEY_BYTES} bytes`, {
      recipient: wrappedKey.recipient,
    });
  }
  if (recipientSecretKey.length !== 32) throw RecordErrors.wrongKey.create("an X25519 secret key is 32 bytes");
  await sodium.ready;
  try {
    return sodium.crypto_box_seal_open(wrappedKey.sealed, x25519.getPublicKey(recipientSecretKey), recipientSecretKey);
  } catch {
    throw RecordErrors.wrongKey.create(`the secret key does not open the wrapped key for ${wrappedKey.recipient}`, {
      recipient: wrappedKey.recipient,
    });
  }
}

/**
 * Checks a blob against its expected content hash (else `records.tampered_blob`),
 * unwraps the content key and decrypts. A key that opens but does not decrypt
 * the blob (a wrapped key of another blob) fails with `records.wrong_key`.
 */
export async function openRecord(o: {
  blob: Uint8Array;
  wrappedKey: WrappedKey;
  recipientSecretKey: Uint8Array;
  expectedHash: string;
}): Promise<Uint8Array> {
  const actual = contentHashOf(o.blob);
  if (actual !== o.expectedHash.toLowerCase()) {
    throw RecordErrors.tampered.create(`the blob hashes to ${actual}, not ${o.expectedHash}`, {
      expected: o.expectedHash,
      actual,
    });
  }
  if (o.blob.length < MIN_BLOB_BYTES || o.blob[0] !== ENVELOPE_VERSION) {
    throw RecordErrors.invalidEnvelope.create(`not a version-${ENVELOPE_VERSION} envelope`, { contentHash: actual });
  }
  const contentKey = await unwrapKey(o.wrappedKey, o.recipientSecretKey);
  const nonce = o.blob.subarray(1, 1 + ENVELOPE_NONCE_BYTES);
  try {
    return xchacha20poly1305(contentKey, nonce, AAD).decrypt(o.blob.subarray(1 + ENVELOPE_NONCE_BYTES));
  } catch {
    throw RecordErrors.wrongKey.create("the wrapped content key does not decrypt this blob", { contentHash: actual });
  }
}

/**
 * The recipients a resolved DID document offers: its X25519 key agreement
 * keys, named by DID URL (wrap for these to let the subject read a record).
 */
export function keyAgreementRecipients(doc: DidDocumentJson): RecordRecipient[] {
  const out: RecordRecipient[] = [];
  for (const k of doc.keyAgreement ?? []) {
    const publicKey = multibaseToX25519(k.publicKeyMultibase);
    if (publicKey) out.push({ id: k.id, publicKey });
  }
  return out;
}

/** Whether two wrapped keys are the same bytes for the same recipient. */
export function sameWrappedKey(a: WrappedKey, b: WrappedKey): boolean {
  return a.recipient === b.recipient && bytesEqual(a.sealed, b.sealed);
}
