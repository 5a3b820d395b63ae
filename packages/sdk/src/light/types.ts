/**
 * Typed CometBFT (v0.38) structures a light client needs, as parsed from the
 * RPC's JSON by ./rpc.ts. Integers that are int64/uint64 on the Go side are
 * bigints; byte fields are raw bytes (the RPC gives them as hex or base64).
 */

/** A protobuf Timestamp: seconds since the Unix epoch (may be negative) and 0..999,999,999 nanoseconds. */
export interface CometTime {
  seconds: bigint;
  nanos: number;
}

/** Header of a block's part set. */
export interface CometPartSetHeader {
  total: number;
  hash: Uint8Array;
}

/** A block id: the header hash and the part set header. */
export interface CometBlockId {
  hash: Uint8Array;
  parts: CometPartSetHeader;
}

/** A block header (types.Header). */
export interface CometHeader {
  version: { block: bigint; app: bigint };
  chainId: string;
  height: bigint;
  time: CometTime;
  lastBlockId: CometBlockId;
  lastCommitHash: Uint8Array;
  dataHash: Uint8Array;
  validatorsHash: Uint8Array;
  nextValidatorsHash: Uint8Array;
  consensusHash: Uint8Array;
  /** App hash of the state after the previous block (height - 1). */
  appHash: Uint8Array;
  lastResultsHash: Uint8Array;
  evidenceHash: Uint8Array;
  proposerAddress: Uint8Array;
}

/** How a validator voted in a commit (types.BlockIDFlag). */
export const CometBlockIdFlag = {
  /** No vote was received. */
  Absent: 1,
  /** Voted for the committed block. */
  Commit: 2,
  /** Voted nil. */
  Nil: 3,
} as const;
/** One of {@link CometBlockIdFlag}'s values. */
export type CometBlockIdFlag = (typeof CometBlockIdFlag)[keyof typeof CometBlockIdFlag];

/** One validator's precommit in a commit (types.CommitSig). */
export interface CometCommitSig {
  flag: CometBlockIdFlag;
  /** 20 bytes, empty when absent. */
  validatorAddress: Uint8Array;
  timestamp: CometTime;
  /** 64 bytes, empty when absent. */
  signature: Uint8Array;
}

/** The precommits that committed a block (types.Commit), in validator-set order. */
export interface CometCommit {
  height: bigint;
  round: number;
  blockId: CometBlockId;
  signatures: CometCommitSig[];
}

/** A header and the commit that signs it. */
export interface CometSignedHeader {
  header: CometHeader;
  commit: CometCommit;
}

/** An Ed25519 validator. */
export interface CometValidator {
  /** First 20 bytes of SHA-256(pubKey). */
  address: Uint8Array;
  /** 32-byte Ed25519 public key. */
  pubKey: Uint8Array;
  votingPower: bigint;
  proposerPriority: bigint;
}

/** The validator set of a height, in CometBFT's order (voting power descending, then address ascending). */
export interface CometValidatorSet {
  /** The height the set is for; 0n when unknown (e.g. built from genesis). */
  height: bigint;
  validators: CometValidator[];
}

/** A block id and its header, as in a /block answer. */
export interface CometBlockMeta {
  blockId: CometBlockId;
  header: CometHeader;
  /** The commit of the previous block carried by this one. */
  lastCommit: CometCommit;
}
