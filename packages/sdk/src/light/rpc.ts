/**
 * Strict parsing of CometBFT v0.38 RPC JSON: the `result` of `/commit`,
 * `/validators`, `/block` and `/genesis` (a whole JSON-RPC envelope
 * `{jsonrpc, id, result}` is accepted too). Anything of another shape, or
 * failing CometBFT's own basic validation (hash lengths, address = SHA-256 of
 * the key, ...), fails with `light.malformed`. Extra fields are ignored.
 */
import { base64ToBytes, bytesEqual } from "@urbis/protocol";
import { LightErrors } from "./errors.js";
import { cometValidatorAddress } from "./hash.js";
import { parseCometTime } from "./time.js";
import {
  type CometBlockId,
  CometBlockIdFlag,
  type CometBlockMeta,
  type CometCommit,
  type CometCommitSig,
  type CometHeader,
  type CometSignedHeader,
  type CometTime,
  type CometValidator,
  type CometValidatorSet,
} from "./types.js";

/** The only block protocol version whose header hash this module computes (CometBFT v0.38). */
export const COMET_BLOCK_PROTOCOL = 11n;
/** Longest chain id CometBFT accepts. */
const COMET_MAX_CHAIN_ID_LENGTH = 50;
/** Largest total voting power CometBFT allows (MaxInt64 / 8). */
const COMET_MAX_TOTAL_VOTING_POWER = (2n ** 63n - 1n) / 8n;
/** Amino JSON type of an Ed25519 public key. */
export const COMET_ED25519_PUBKEY_TYPE = "tendermint/PubKeyEd25519";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const HEX = /^(?:[0-9A-Fa-f]{2})*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type Json = Record<string, unknown>;

function fail(path: string, what: string): never {
  throw LightErrors.malformed.create(`${path}: ${what}`);
}

function obj(v: unknown, path: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(path, "expected an object");
  return v as Json;
}

function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, "expected an array");
  return v;
}

function str(o: Json, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== "string") fail(`${path}.${key}`, "expected a string");
  return v;
}

function intString(o: Json, key: string, path: string, min: bigint, max: bigint): bigint {
  const s = str(o, key, path);
  if (!/^-?(?:0|[1-9][0-9]*)$/.test(s))
    fail(`${path}.${key}`, `expected a decimal integer string, got ${JSON.stringify(s)}`);
  const n = BigInt(s);
  if (n < min || n > max) fail(`${path}.${key}`, `${s} is out of range`);
  return n;
}

const int64 = (o: Json, key: string, path: string) => intString(o, key, path, INT64_MIN, INT64_MAX);
const uint64 = (o: Json, key: string, path: string) => intString(o, key, path, 0n, UINT64_MAX);

function smallInt(o: Json, key: string, path: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    fail(`${path}.${key}`, `expected an integer in [${min}, ${max}]`);
  }
  return v;
}

/** Hex bytes; `lengths` lists the allowed lengths (any when omitted). */
function hexBytes(o: Json, key: string, path: string, lengths?: readonly number[]): Uint8Array {
  const s = str(o, key, path);
  if (!HEX.test(s)) fail(`${path}.${key}`, "expected hex");
  const b = new Uint8Array(s.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = Number.parseInt(s.slice(2 * i, 2 * i + 2), 16);
  if (lengths && !lengths.includes(b.length)) fail(`${path}.${key}`, `expected ${lengths.join(" or ")} bytes`);
  return b;
}

/** A hash: empty or 32 bytes (CometBFT's ValidateHash). */
const hashField = (o: Json, key: string, path: string) => hexBytes(o, key, path, [0, 32]);

function base64Bytes(v: unknown, path: string): Uint8Array {
  if (typeof v !== "string" || !BASE64.test(v)) fail(path, "expected base64");
  return base64ToBytes(v);
}

function time(o: Json, key: string, path: string): CometTime {
  const s = str(o, key, path);
  const t = parseCometTime(s);
  if (!t) fail(`${path}.${key}`, `${JSON.stringify(s)} is not an RFC 3339 time`);
  return t;
}

/** The `result` of a JSON-RPC envelope, or `v` itself when it is not one. */
function unwrap(v: unknown, what: string): Json {
  const o = obj(v, what);
  if (!("jsonrpc" in o)) return o;
  if (o.error !== undefined && o.error !== null)
    fail(what, `the node answered with an error: ${JSON.stringify(o.error)}`);
  return obj(o.result, `${what}.result`);
}

function parseBlockId(v: unknown, path: string): CometBlockId {
  const o = obj(v, path);
  const parts = obj(o.parts, `${path}.parts`);
  return {
    hash: hashField(o, "hash", path),
    parts: {
      total: smallInt(parts, "total", `${path}.parts`, 0, 0xffff_ffff),
      hash: hashField(parts, "hash", `${path}.parts`),
    },
  };
}

/** Parses a header (`signed_header.header` of /commit, `block.header` of /block) and checks it as Header.ValidateBasic does. */
export function parseCometHeader(v: unknown, path = "header"): CometHeader {
  const o = obj(v, path);
  const version = obj(o.version, `${path}.version`);
  const header: CometHeader = {
    version: { block: uint64(version, "block", `${path}.version`), app: uint64(version, "app", `${path}.version`) },
    chainId: str(o, "chain_id", path),
    height: int64(o, "height", path),
    time: time(o, "time", path),
    lastBlockId: parseBlockId(o.last_block_id, `${path}.last_block_id`),
    lastCommitHash: hashField(o, "last_commit_hash", path),
    dataHash: hashField(o, "data_hash", path),
    validatorsHash: hexBytes(o, "validators_hash", path, [32]),
    nextValidatorsHash: hashField(o, "next_validators_hash", path),
    consensusHash: hashField(o, "consensus_hash", path),
    appHash: hexBytes(o, "app_hash", path),
    lastResultsHash: hashField(o, "last_results_hash", path),
    evidenceHash: hashField(o, "evidence_hash", path),
    proposerAddress: hexBytes(o, "proposer_address", path, [20]),
  };
  if (header.version.block !== COMET_BLOCK_PROTOCOL) {
    fail(`${path}.version.block`, `block protocol ${header.version.block} is not ${COMET_BLOCK_PROTOCOL}`);
  }
  if (header.chainId.length > COMET_MAX_CHAIN_ID_LENGTH) fail(`${path}.chain_id`, "too long");
  if (header.height <= 0n) fail(`${path}.height`, "must be positive");
  return header;
}

function parseCommitSig(v: unknown, path: string): CometCommitSig {
  const o = obj(v, path);
  const flag = smallInt(o, "block_id_flag", path, CometBlockIdFlag.Absent, CometBlockIdFlag.Nil) as CometBlockIdFlag;
  const validatorAddress = hexBytes(o, "validator_address", path);
  const timestamp = time(o, "timestamp", path);
  const signature = o.signature === null ? new Uint8Array(0) : base64Bytes(o.signature, `${path}.signature`);
  if (flag === CometBlockIdFlag.Absent) {
    // Go's zero time, 0001-01-01T00:00:00Z.
    const zeroTime = timestamp.seconds === -62_135_596_800n && timestamp.nanos === 0;
    if (validatorAddress.length !== 0 || signature.length !== 0 || !zeroTime) {
      fail(path, "an absent vote carries no address, time or signature");
    }
  } else {
    if (validatorAddress.length !== 20) fail(`${path}.validator_address`, "expected 20 bytes");
    if (signature.length === 0 || signature.length > 64) fail(`${path}.signature`, "expected 1 to 64 bytes");
  }
  return { flag, validatorAddress, timestamp, signature };
}

/** Parses a commit (`signed_header.commit` of /commit, `block.last_commit` of /block). */
function commitFromJson(v: unknown, path = "commit"): CometCommit {
  const o = obj(v, path);
  const commit: CometCommit = {
    height: int64(o, "height", path),
    round: smallInt(o, "round", path, 0, 0x7fff_ffff),
    blockId: parseBlockId(o.block_id, `${path}.block_id`),
    signatures: arr(o.signatures, `${path}.signatures`).map((s, i) => parseCommitSig(s, `${path}.signatures[${i}]`)),
  };
  if (commit.height < 0n) fail(`${path}.height`, "negative");
  return commit;
}

/** Parses the `result` of `/commit?height=H` (or its envelope). */
export function parseCometCommit(json: unknown): CometSignedHeader {
  const result = unwrap(json, "commit response");
  const sh = obj(result.signed_header, "signed_header");
  return {
    header: parseCometHeader(sh.header, "signed_header.header"),
    commit: commitFromJson(sh.commit, "signed_header.commit"),
  };
}

/** Parses the `result` of `/block?height=H` (or its envelope): its block id, header and last commit. */
export function parseCometBlock(json: unknown): CometBlockMeta {
  const result = unwrap(json, "block response");
  const block = obj(result.block, "block");
  return {
    blockId: parseBlockId(result.block_id, "block_id"),
    header: parseCometHeader(block.header, "block.header"),
    lastCommit: commitFromJson(block.last_commit, "block.last_commit"),
  };
}

function parsePubKey(v: unknown, path: string): Uint8Array {
  const o = obj(v, path);
  const type = str(o, "type", path);
  if (type !== COMET_ED25519_PUBKEY_TYPE) fail(`${path}.type`, `unsupported key type ${JSON.stringify(type)}`);
  const key = base64Bytes(o.value, `${path}.value`);
  if (key.length !== 32) fail(`${path}.value`, "an Ed25519 key has 32 bytes");
  return key;
}

/**
 * Checks a validator set as CometBFT would accept it: not empty, every
 * address the SHA-256 prefix of its 32-byte Ed25519 key, no duplicates,
 * positive powers, total at most {@link COMET_MAX_TOTAL_VOTING_POWER}. Fails with
 * `light.malformed`.
 */
export function assertCometValidatorSet(validators: readonly CometValidator[], path = "validators"): void {
  if (validators.length === 0) fail(path, "empty validator set");
  const seen = new Set<string>();
  let total = 0n;
  for (const [i, v] of validators.entries()) {
    if (v.pubKey.length !== 32) fail(`${path}[${i}].pub_key`, "an Ed25519 key has 32 bytes");
    if (!bytesEqual(v.address, cometValidatorAddress(v.pubKey))) {
      fail(`${path}[${i}].address`, "is not the address of the public key");
    }
    const id = v.address.join(",");
    if (seen.has(id)) fail(`${path}[${i}]`, "duplicate validator");
    seen.add(id);
    if (v.votingPower <= 0n) fail(`${path}[${i}].voting_power`, "must be positive");
    total += v.votingPower;
  }
  if (total > COMET_MAX_TOTAL_VOTING_POWER) fail(path, "total voting power is too large");
}

/**
 * Parses the `result` of `/validators?height=H&per_page=100` (or its
 * envelope). The answer must hold the whole set (count == total): ask with a
 * `per_page` at least the set's size (CometBFT allows up to 100).
 */
export function parseCometValidators(json: unknown): CometValidatorSet {
  const o = unwrap(json, "validators response");
  const height = int64(o, "block_height", "validators response");
  const list = arr(o.validators, "validators");
  const count = int64(o, "count", "validators response");
  const total = int64(o, "total", "validators response");
  if (count !== total || BigInt(list.length) !== total) {
    fail("validators", `the answer holds ${list.length} of ${total} validators (ask for all of them in one page)`);
  }
  const validators = list.map((v, i): CometValidator => {
    const p = `validators[${i}]`;
    const e = obj(v, p);
    return {
      address: hexBytes(e, "address", p, [20]),
      pubKey: parsePubKey(e.pub_key, `${p}.pub_key`),
      votingPower: int64(e, "voting_power", p),
      proposerPriority: int64(e, "proposer_priority", p),
    };
  });
  assertCometValidatorSet(validators);
  return { height, validators };
}

/**
 * The order CometBFT keeps a validator set in (and hashes it in): voting
 * power descending, then address ascending. Returns a sorted copy.
 */
export function sortCometValidators(validators: readonly CometValidator[]): CometValidator[] {
  const cmp = (a: Uint8Array, b: Uint8Array) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
    }
    return a.length - b.length;
  };
  return [...validators].sort((a, b) =>
    a.votingPower === b.votingPower ? cmp(a.address, b.address) : a.votingPower > b.votingPower ? -1 : 1,
  );
}

/**
 * The initial validator set of a genesis document (the `genesis` of a
 * `/genesis` answer, the answer itself, or a genesis.json), sorted as
 * CometBFT sorts it. Validators with a missing address get the key's.
 */
export function parseCometGenesisValidators(json: unknown): CometValidatorSet {
  let o = unwrap(json, "genesis");
  if (o.genesis !== undefined) o = obj(o.genesis, "genesis");
  const validators = arr(o.validators, "genesis.validators").map((v, i): CometValidator => {
    const p = `genesis.validators[${i}]`;
    const e = obj(v, p);
    const pubKey = parsePubKey(e.pub_key, `${p}.pub_key`);
    return {
      address:
        e.address === undefined || e.address === "" ? cometValidatorAddress(pubKey) : hexBytes(e, "address", p, [20]),
      pubKey,
      votingPower: int64(e, "power", p),
      proposerPriority: 0n,
    };
  });
  assertCometValidatorSet(validators, "genesis.validators");
  return { height: 0n, validators: sortCometValidators(validators) };
}
