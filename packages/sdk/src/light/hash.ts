/**
 * The bytes and hashes CometBFT v0.38 signs and links blocks with, computed
 * exactly as its Go code does (types/block.go Header.Hash, types/validator.go
 * Validator.Bytes, types/vote.go VoteSignBytes, crypto/merkle):
 *
 * - Merkle root (RFC 6962): no items -> SHA-256(""); one item -> SHA-256(0x00 || item);
 *   n items -> SHA-256(0x01 || root(first k) || root(rest)), k the largest power of two below n.
 * - Header hash: the Merkle root of its 14 fields' encodings, in order: version
 *   (tendermint.version.Consensus), chain_id (google.protobuf.StringValue), height
 *   (Int64Value), time (google.protobuf.Timestamp), last_block_id (tendermint.types.BlockID),
 *   then last_commit, data, validators, next_validators, consensus, app, last_results
 *   and evidence hashes and the proposer address (each a BytesValue). A wrapper of an
 *   empty value ("", 0, no bytes) encodes as no bytes at all.
 * - Validator set hash: the Merkle root of each validator's SimpleValidator{pub_key, voting_power}
 *   in set order.
 * - Precommit sign bytes: CanonicalVote, prefixed by its length as a uvarint.
 *
 * Protobuf messages come from cosmjs-types where it has them; it has neither
 * the gogo wrapper types nor tendermint/types/canonical.proto, so those few
 * fields are written by hand with its BinaryWriter.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { BinaryWriter } from "cosmjs-types/binary";
import { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { BlockID, CommitSig } from "cosmjs-types/tendermint/types/types";
import { SimpleValidator } from "cosmjs-types/tendermint/types/validator";
import { Consensus } from "cosmjs-types/tendermint/version/types";
import {
  type CometBlockId,
  CometBlockIdFlag,
  type CometCommit,
  type CometHeader,
  type CometTime,
  type CometValidator,
} from "./types.js";

/** SignedMsgType PRECOMMIT. */
const PRECOMMIT_TYPE = 2;
/** Length of a validator address. */
const ADDRESS_LENGTH = 20;

const LEAF_PREFIX = 0x00;
const INNER_PREFIX = 0x01;

function prefixed(prefix: number, ...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0));
  out[0] = prefix;
  let off = 1;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** RFC 6962 Merkle root of `items`, as CometBFT's merkle.HashFromByteSlices. */
export function cometMerkleRoot(items: readonly Uint8Array[]): Uint8Array {
  if (items.length === 0) return sha256(new Uint8Array(0));
  if (items.length === 1) return sha256(prefixed(LEAF_PREFIX, items[0] as Uint8Array));
  let k = 1;
  while (k * 2 < items.length) k *= 2;
  return sha256(prefixed(INNER_PREFIX, cometMerkleRoot(items.slice(0, k)), cometMerkleRoot(items.slice(k))));
}

// gogoproto wrapper values (google/protobuf/wrappers.proto, not in cosmjs-types):
// field 1 holds the value, and CometBFT's cdcEncode gives no bytes for an empty value.
function stringValue(s: string): Uint8Array {
  return s === "" ? new Uint8Array(0) : BinaryWriter.create().uint32(10).string(s).finish();
}

function int64Value(n: bigint): Uint8Array {
  return n === 0n ? new Uint8Array(0) : BinaryWriter.create().uint32(8).int64(n).finish();
}

function bytesValue(b: Uint8Array): Uint8Array {
  return b.length === 0 ? new Uint8Array(0) : BinaryWriter.create().uint32(10).bytes(b).finish();
}

function timestamp(t: CometTime): Timestamp {
  return { seconds: t.seconds, nanos: t.nanos };
}

function blockIdProto(id: CometBlockId): BlockID {
  return { hash: id.hash, partSetHeader: { total: id.parts.total, hash: id.parts.hash } };
}

/** The 14 leaves of a header's hash, in order. */
export function cometHeaderFieldEncodings(h: CometHeader): Uint8Array[] {
  return [
    Consensus.encode({ block: h.version.block, app: h.version.app }).finish(),
    stringValue(h.chainId),
    int64Value(h.height),
    Timestamp.encode(timestamp(h.time)).finish(),
    BlockID.encode(blockIdProto(h.lastBlockId)).finish(),
    bytesValue(h.lastCommitHash),
    bytesValue(h.dataHash),
    bytesValue(h.validatorsHash),
    bytesValue(h.nextValidatorsHash),
    bytesValue(h.consensusHash),
    bytesValue(h.appHash),
    bytesValue(h.lastResultsHash),
    bytesValue(h.evidenceHash),
    bytesValue(h.proposerAddress),
  ];
}

/** A header's hash: the block hash its commit signs (types.Header.Hash). */
export function cometHeaderHash(h: CometHeader): Uint8Array {
  return cometMerkleRoot(cometHeaderFieldEncodings(h));
}

/** A validator's address: the first 20 bytes of SHA-256 of its Ed25519 public key. */
export function cometValidatorAddress(pubKey: Uint8Array): Uint8Array {
  return sha256(pubKey).slice(0, ADDRESS_LENGTH);
}

/** A validator's leaf in the set hash: SimpleValidator{PublicKey{ed25519}, voting_power}. */
export function cometValidatorBytes(v: CometValidator): Uint8Array {
  return SimpleValidator.encode({ pubKey: { ed25519: v.pubKey }, votingPower: v.votingPower }).finish();
}

/** Hash of a validator set in its order: the header's validators_hash (types.ValidatorSet.Hash). */
export function cometValidatorSetHash(validators: readonly CometValidator[]): Uint8Array {
  return cometMerkleRoot(validators.map(cometValidatorBytes));
}

/** Hash of a commit's signatures: the next header's last_commit_hash (types.Commit.Hash). */
export function cometCommitHash(commit: CometCommit): Uint8Array {
  return cometMerkleRoot(
    commit.signatures.map((s) =>
      CommitSig.encode({
        blockIdFlag: s.flag,
        validatorAddress: s.validatorAddress,
        timestamp: timestamp(s.timestamp),
        signature: s.signature,
      }).finish(),
    ),
  );
}

function isZeroBlockId(id: CometBlockId): boolean {
  return id.hash.length === 0 && id.parts.total === 0 && id.parts.hash.length === 0;
}

/** What a precommit signs. */
export interface PrecommitContent {
  height: bigint;
  round: number;
  /** The block voted for; a zero block id (no hash, no parts) for a nil vote. */
  blockId: CometBlockId;
  timestamp: CometTime;
}

/**
 * The bytes a validator signs for a precommit (types.VoteSignBytes): the
 * CanonicalVote, length-prefixed with a uvarint.
 *
 *   CanonicalVote { 1: type (varint), 2: height (sfixed64), 3: round (sfixed64),
 *                   4: block_id CanonicalBlockID (omitted for a zero block id),
 *                   5: timestamp (always present), 6: chain_id (string) }
 *   CanonicalBlockID { 1: hash (bytes), 2: part_set_header CanonicalPartSetHeader (always present) }
 *   CanonicalPartSetHeader { 1: total (uint32), 2: hash (bytes) }
 *
 * cosmjs-types does not ship tendermint/types/canonical.proto, so these are
 * written field by field here, in field order, leaving out proto3 default
 * values as gogoproto's marshaller does (except the non-nullable fields).
 */
export function precommitSignBytes(chainId: string, vote: PrecommitContent): Uint8Array {
  const w = BinaryWriter.create();
  w.uint32(8).int32(PRECOMMIT_TYPE);
  if (vote.height !== 0n) w.uint32(17).sfixed64(vote.height);
  if (vote.round !== 0) w.uint32(25).sfixed64(BigInt(vote.round));
  if (!isZeroBlockId(vote.blockId)) {
    w.uint32(34).fork();
    if (vote.blockId.hash.length !== 0) w.uint32(10).bytes(vote.blockId.hash);
    w.uint32(18).fork();
    if (vote.blockId.parts.total !== 0) w.uint32(8).uint32(vote.blockId.parts.total);
    if (vote.blockId.parts.hash.length !== 0) w.uint32(18).bytes(vote.blockId.parts.hash);
    w.ldelim();
    w.ldelim();
  }
  Timestamp.encode(timestamp(vote.timestamp), w.uint32(42).fork()).ldelim();
  if (chainId !== "") w.uint32(50).string(chainId);
  // `bytes` writes a uvarint length then the message: protoio.MarshalDelimited.
  return BinaryWriter.create().bytes(w.finish()).finish();
}

/**
 * The sign bytes of the vote at `index` of a commit (types.Commit.VoteSignBytes):
 * a commit vote signs the commit's block id, a nil vote a zero block id.
 */
export function commitVoteSignBytes(chainId: string, commit: CometCommit, index: number): Uint8Array {
  const sig = commit.signatures[index];
  if (!sig) throw new RangeError(`the commit has no signature at index ${index}`);
  const blockId: CometBlockId =
    sig.flag === CometBlockIdFlag.Commit
      ? commit.blockId
      : { hash: new Uint8Array(0), parts: { total: 0, hash: new Uint8Array(0) } };
  return precommitSignBytes(chainId, { height: commit.height, round: commit.round, blockId, timestamp: sig.timestamp });
}
