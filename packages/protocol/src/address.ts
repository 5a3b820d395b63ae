/** Account addresses: 20 bytes derived from a public key, shown as bech32m with prefix `urbis`. */
import { bech32m } from "@scure/base";
import { bytesKey, utf8 } from "./bytes.js";
import { type Codec, fixedBytes, mapped } from "./codec/index.js";
import { TxErrors } from "./core-errors.js";
import { sha256 } from "./crypto.js";

/** Human-readable part of every Urbis address. */
export const ADDRESS_PREFIX = "urbis";
/** Length of an address in bytes. */
export const ADDRESS_LENGTH = 20;

/** A bech32m address string such as `urbis1…`. */
export type Address = string;

/**
 * Bech32m costs tens of microseconds per conversion and a transfer converts
 * the same few addresses many times (decode, store keys, events), so recent
 * conversions are remembered both ways. A pure cache: results never depend on it.
 */
const CACHE_LIMIT = 65_536;
const toBytes = new Map<string, Uint8Array>();
const toText = new Map<string, Address>();

function remember<V>(m: Map<string, V>, k: string, v: V): void {
  if (m.size >= CACHE_LIMIT) m.clear(); // cheap bound; a cold cache only costs time
  m.set(k, v);
}

/** Address string of 20 raw bytes. */
export function encodeAddress(raw: Uint8Array): Address {
  if (raw.length !== ADDRESS_LENGTH) throw TxErrors.invalidAddress.create(`address must be ${ADDRESS_LENGTH} bytes`);
  const k = bytesKey(raw);
  let a = toText.get(k);
  if (a === undefined) {
    a = bech32m.encode(ADDRESS_PREFIX, bech32m.toWords(raw));
    remember(toText, k, a);
  }
  return a;
}

/** Raw bytes of an address string (a fresh copy); fails with `tx.invalid_address`. */
export function decodeAddress(addr: string): Uint8Array {
  const hit = toBytes.get(addr);
  if (hit !== undefined) return hit.slice();
  const raw = decodeAddressUncached(addr);
  remember(toBytes, addr, raw.slice());
  return raw;
}

/**
 * {@link decodeAddress} without the cache, for passes over many distinct
 * addresses (a genesis listing a million accounts): there remembering each
 * one only churns the cache, and its entries, kept for tens of thousands of
 * conversions, all end up as garbage in V8's old generation.
 */
export function decodeAddressUncached(addr: string): Uint8Array {
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32m.decode(addr as `${string}1${string}`, 90);
  } catch (e) {
    throw TxErrors.invalidAddress.create(`invalid address ${JSON.stringify(addr)}: ${(e as Error).message}`);
  }
  if (decoded.prefix !== ADDRESS_PREFIX) {
    throw TxErrors.invalidAddress.create(`address prefix must be ${ADDRESS_PREFIX}, got ${decoded.prefix}`);
  }
  const raw = bech32m.fromWords(decoded.words);
  if (raw.length !== ADDRESS_LENGTH) throw TxErrors.invalidAddress.create(`address must be ${ADDRESS_LENGTH} bytes`);
  return raw;
}

/** Whether `addr` is a well-formed Urbis address. */
export function isAddress(addr: unknown): addr is Address {
  if (typeof addr !== "string") return false;
  try {
    decodeAddress(addr);
    return true;
  } catch {
    return false;
  }
}

/** Address of an Ed25519 public key: the first 20 bytes of SHA-256(key). */
export function addressOf(publicKey: Uint8Array): Address {
  return encodeAddress(sha256(publicKey).subarray(0, ADDRESS_LENGTH));
}

/** Address of a module-owned account (no key can sign for it). */
export function moduleAddress(name: string): Address {
  return encodeAddress(sha256(utf8(`urbis/module/${name}`)).subarray(0, ADDRESS_LENGTH));
}

/** Address on the wire: 20 raw bytes. */
export const addressCodec: Codec<Address> = mapped(fixedBytes(ADDRESS_LENGTH), encodeAddress, decodeAddress);

/**
 * The governance authority: the signer of every message a passed proposal
 * executes. No key derives it, so only the governance module can act as it.
 */
export const GOVERNANCE_ADDRESS: Address = moduleAddress("gov");

/** The city treasury: a module account that only treasury-spend proposals can pay from. */
export const TREASURY_ADDRESS: Address = moduleAddress("treasury");
