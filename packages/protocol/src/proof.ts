/**
 * The state tree's hashing rules, its proof format and proof verification.
 * Browser-safe: light clients and the SDK verify query results with this file
 * alone. The store that builds the tree lives in @urbis/store; docs/merkle.md
 * describes the same rules for implementers in other languages.
 *
 * Rules (the app hash of a block is the root of this tree):
 *
 * - The tree is a binary sparse Merkle tree of depth 256 indexed by
 *   `keyHash = SHA-256(key)`, read most significant bit first: bit `i` is
 *   `(keyHash[i >> 3] >> (7 - (i & 7))) & 1`; 0 goes left, 1 goes right.
 * - It is compressed like Diem/Aptos's Jellyfish Merkle tree: a subtree
 *   holding no leaf is the placeholder, 32 zero bytes; a subtree holding
 *   exactly one leaf is that leaf itself, placed at the subtree's top; only a
 *   subtree holding two or more leaves is an internal node. So the root
 *   depends only on the set of (key, value) pairs, never on update order.
 * - `leafHash = SHA-256(0x00 || keyHash || SHA-256(value))`
 * - `internalHash = SHA-256(0x01 || leftHash || rightHash)`
 * - The root of the empty tree is the placeholder: 32 zero bytes.
 *
 * A proof for `key` follows keyHash's path from the root down to the first
 * node that is not an internal node (the terminal), listing the hash of the
 * other child at each level (`siblings`, top-down, `siblings[i]` at depth
 * `i + 1`). The terminal is either a leaf, given as (keyHash, valueHash), or
 * the placeholder. Verification hashes the terminal (`leafHash`, or 32 zero
 * bytes), then folds the siblings bottom-up: at depth `i` (from
 * `siblings.length - 1` to 0) the running hash is the left child when bit `i`
 * of SHA-256(key) is 0 (`internalHash(h, siblings[i])`), else the right one
 * (`internalHash(siblings[i], h)`); the result must equal the root.
 *
 * - Inclusion of (key, value): the terminal is a leaf with
 *   keyHash = SHA-256(key) and valueHash = SHA-256(value).
 * - Non-inclusion of key: the terminal is the placeholder, or a leaf whose
 *   keyHash differs from SHA-256(key) but agrees with it on the first
 *   `siblings.length` bits (the other key occupies the subtree alone).
 * - At most 256 siblings.
 *
 * Canonical encoding of a proof (Borsh layout, see ./codec): `u32` sibling
 * count (at most 256), then each sibling's 32 bytes, then a terminal tag `u8`:
 * 0 = placeholder, nothing follows; 1 = leaf, followed by its 32-byte keyHash
 * and 32-byte valueHash. Any other tag, a longer list, missing or trailing
 * bytes are rejected with `proof.malformed`.
 */
import { bytesEqual } from "./bytes.js";
import { type Codec, decode, encode, fixedBytes, vec } from "./codec/index.js";
import { CodecErrors } from "./core-errors.js";
import { sha256 } from "./crypto.js";
import { UrbisError } from "./errors.js";
import { ProofErrors } from "./proof-errors.js";

/** Length of every hash in the tree. */
export const HASH_LENGTH = 32;
/** Depth of the full (uncompressed) tree: one level per bit of SHA-256. */
export const MAX_PROOF_DEPTH = 256;
/** Domain-separation byte of leaf hashes. */
export const LEAF_DOMAIN = 0x00;
/** Domain-separation byte of internal-node hashes. */
export const INTERNAL_DOMAIN = 0x01;

/**
 * The placeholder of an empty subtree and the root of the empty tree: 32 zero
 * bytes. Shared; never mutate it.
 */
export const EMPTY_ROOT: Uint8Array = new Uint8Array(HASH_LENGTH);

/** SHA-256 of a state key: its position in the tree. */
export function keyHash(key: Uint8Array): Uint8Array {
  return sha256(key);
}

/** SHA-256 of a state value. */
export function valueHash(value: Uint8Array): Uint8Array {
  return sha256(value);
}

function hash65(domain: number, a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== HASH_LENGTH || b.length !== HASH_LENGTH) {
    throw new TypeError(`tree hashes take two ${HASH_LENGTH}-byte inputs`);
  }
  const buf = new Uint8Array(1 + 2 * HASH_LENGTH);
  buf[0] = domain;
  buf.set(a, 1);
  buf.set(b, 1 + HASH_LENGTH);
  return sha256(buf);
}

/** `SHA-256(0x00 || keyHash || valueHash)`, where valueHash = SHA-256(value). */
export function leafHash(keyHash: Uint8Array, valueHash: Uint8Array): Uint8Array {
  return hash65(LEAF_DOMAIN, keyHash, valueHash);
}

/** `SHA-256(0x01 || left || right)`. */
export function internalHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return hash65(INTERNAL_DOMAIN, left, right);
}

/** Bit `i` (0 = most significant bit of byte 0) of a 32-byte hash. */
export function hashBit(h: Uint8Array, i: number): number {
  return ((h[i >> 3] as number) >> (7 - (i & 7))) & 1;
}

/** Where a proof's path ends: a leaf, or an empty subtree. */
export type ProofTerminal =
  | { readonly kind: "leaf"; readonly keyHash: Uint8Array; readonly valueHash: Uint8Array }
  | { readonly kind: "empty" };

/** Proof that a key has a given value, or no value, under a root. */
export interface StateProof {
  /** Hashes of the siblings along the key's path, from the root's children down. */
  readonly siblings: readonly Uint8Array[];
  readonly terminal: ProofTerminal;
}

const hash32 = fixedBytes(HASH_LENGTH);
const siblingsCodec = vec(hash32, MAX_PROOF_DEPTH);

/** Canonical codec of {@link StateProof} (layout in this file's header). */
export const stateProofCodec: Codec<StateProof> = {
  write(w, p) {
    siblingsCodec.write(w, p.siblings as Uint8Array[]);
    if (p.terminal.kind === "empty") {
      w.u8(0);
    } else {
      w.u8(1);
      hash32.write(w, p.terminal.keyHash);
      hash32.write(w, p.terminal.valueHash);
    }
  },
  read(r) {
    const siblings = siblingsCodec.read(r);
    const tag = r.u8();
    if (tag === 0) return { siblings, terminal: { kind: "empty" } };
    if (tag !== 1) throw CodecErrors.nonCanonical.create(`proof terminal tag ${tag}`);
    const kh = hash32.read(r);
    const vh = hash32.read(r);
    return { siblings, terminal: { kind: "leaf", keyHash: kh, valueHash: vh } };
  },
};

function asMalformed(e: unknown): never {
  if (e instanceof UrbisError && e.codespace === "codec") {
    throw ProofErrors.malformed.create(`malformed proof: ${e.message}`, { cause: e.id });
  }
  throw e;
}

/** Canonical bytes of a proof; a proof that breaks the format fails with `proof.malformed`. */
export function encodeProof(proof: StateProof): Uint8Array {
  try {
    return encode(stateProofCodec, proof);
  } catch (e) {
    return asMalformed(e);
  }
}

/** Decodes canonical proof bytes; anything else fails with `proof.malformed`. */
export function decodeProof(bytes: Uint8Array): StateProof {
  try {
    return decode(stateProofCodec, bytes);
  } catch (e) {
    return asMalformed(e);
  }
}

/**
 * The root a proof implies for a key hash: the terminal's hash folded with
 * the siblings along `kh`'s path. Does not check the terminal against the key.
 */
export function proofRoot(kh: Uint8Array, proof: StateProof): Uint8Array {
  const { siblings, terminal } = proof;
  if (siblings.length > MAX_PROOF_DEPTH) throw ProofErrors.malformed.create("more than 256 siblings");
  let h = terminal.kind === "leaf" ? leafHash(terminal.keyHash, terminal.valueHash) : EMPTY_ROOT;
  for (let i = siblings.length - 1; i >= 0; i--) {
    const s = siblings[i] as Uint8Array;
    h = hashBit(kh, i) === 0 ? internalHash(h, s) : internalHash(s, h);
  }
  return h;
}

function sharesPrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  const full = bits >> 3;
  for (let i = 0; i < full; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (((a[full] as number) ^ (b[full] as number)) & mask) === 0;
}

/** Why a proof fails, or undefined when it holds. */
function proofFailure(
  root: Uint8Array,
  key: Uint8Array,
  value: Uint8Array | undefined,
  proof: StateProof,
): string | undefined {
  if (root.length !== HASH_LENGTH) return "root is not 32 bytes";
  const { siblings, terminal } = proof;
  if (siblings.length > MAX_PROOF_DEPTH) return "more than 256 siblings";
  for (const s of siblings) if (s.length !== HASH_LENGTH) return "a sibling is not 32 bytes";
  if (
    terminal.kind === "leaf" &&
    (terminal.keyHash.length !== HASH_LENGTH || terminal.valueHash.length !== HASH_LENGTH)
  ) {
    return "terminal hashes are not 32 bytes";
  }
  const kh = keyHash(key);
  if (value !== undefined) {
    if (terminal.kind !== "leaf" || !bytesEqual(terminal.keyHash, kh))
      return "the proof does not end at the key's leaf";
    if (!bytesEqual(terminal.valueHash, valueHash(value))) return "the value differs from the proven one";
  } else if (terminal.kind === "leaf") {
    if (bytesEqual(terminal.keyHash, kh)) return "the key is present";
    if (!sharesPrefix(terminal.keyHash, kh, siblings.length)) return "the terminal leaf is off the key's path";
  }
  if (!bytesEqual(proofRoot(kh, proof), root)) return "the proof leads to another root";
  return undefined;
}

function asProof(proof: StateProof | Uint8Array): StateProof {
  return proof instanceof Uint8Array ? decodeProof(proof) : proof;
}

/**
 * Whether `proof` (decoded or canonical bytes) shows that `key` has `value`
 * under `root` (inclusion), or, when `value` is undefined, that `key` has no
 * value (non-inclusion). Malformed proofs are simply invalid.
 */
export function verifyProof(
  root: Uint8Array,
  key: Uint8Array,
  value: Uint8Array | undefined,
  proof: StateProof | Uint8Array,
): boolean {
  let p: StateProof;
  try {
    p = asProof(proof);
  } catch (e) {
    if (ProofErrors.malformed.is(e)) return false;
    throw e;
  }
  return proofFailure(root, key, value, p) === undefined;
}

/** Like {@link verifyProof}, but fails with `proof.malformed` or `proof.mismatch` (saying why). */
export function verifyProofOrThrow(
  root: Uint8Array,
  key: Uint8Array,
  value: Uint8Array | undefined,
  proof: StateProof | Uint8Array,
): void {
  const why = proofFailure(root, key, value, asProof(proof));
  if (why !== undefined) throw ProofErrors.mismatch.create(`proof mismatch: ${why}`);
}
