/**
 * Light-client verification of CometBFT headers: a header is accepted only
 * when its commit is signed by validators the caller has reason to trust. It
 * follows CometBFT v0.38's types/validation.go and light/verifier.go:
 *
 * - the header is for the expected chain, the commit is for its height and
 *   signs its hash;
 * - the validator set given hashes to the header's validators_hash;
 * - every BlockIDFlagCommit signature verifies (Ed25519, ZIP-215 rules as
 *   CometBFT's, over the canonical precommit sign bytes); nil votes and absent
 *   validators add no power;
 * - validators holding more than 2/3 of the set's power signed (strictly);
 * - when the set differs from the one the caller trusts, validators of the
 *   trusted set (matched by address) holding more than the trust level
 *   (default 1/3) of its power signed as well: at least one honest trusted
 *   validator vouches for the new set (CometBFT's skipping verification).
 *
 * What it does not do (the caller's policy): the trusting period (how old a
 * trusted set may be before validators could have unbonded and lie freely),
 * clock-drift checks on the header time, and monotonicity against an earlier
 * trusted header.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesEqual, toHex } from "@urbis/protocol";
import { LightErrors } from "./errors.js";
import { cometHeaderHash, cometValidatorSetHash, commitVoteSignBytes } from "./hash.js";
import { assertCometValidatorSet } from "./rpc.js";
import { formatCometTime } from "./time.js";
import {
  CometBlockIdFlag,
  type CometCommit,
  type CometHeader,
  type CometSignedHeader,
  type CometValidator,
  type CometValidatorSet,
} from "./types.js";

/** A fraction of voting power, between 1/3 and 1. */
export interface CometTrustLevel {
  numerator: bigint;
  denominator: bigint;
}

/** CometBFT's default: more than 1/3 of the trusted power, so at least one honest validator. */
export const DEFAULT_COMET_TRUST_LEVEL: CometTrustLevel = { numerator: 1n, denominator: 3n };

/** A validator set, or just its validators in set order. */
export type CometValidatorsInput = CometValidatorSet | readonly CometValidator[];

/** A header whose commit was verified. */
export interface VerifiedCometHeader {
  chainId: string;
  height: bigint;
  /** Block time, RFC 3339 (UTC). */
  time: string;
  /** App hash of the state after block `height - 1`: the root state proofs of version `height - 1` lead to. */
  appHash: Uint8Array;
  validatorsHash: Uint8Array;
  nextValidatorsHash: Uint8Array;
  /** The header's hash (the block hash). */
  blockHash: Uint8Array;
  /**
   * The validator set that signed the header (it hashes to `validatorsHash`):
   * trusted from now on, e.g. as `trustedValidators` for a later header.
   */
  validators: CometValidator[];
  header: CometHeader;
}

/** Options of {@link verifyCometHeader}. */
export interface VerifyCometHeaderOptions {
  /** The chain the header must belong to. */
  chainId: string;
  /**
   * A validator set the caller already trusts: the genesis set
   * (parseCometGenesisValidators) or the `validators` of an earlier
   * {@link VerifiedCometHeader}.
   */
  trustedValidators: CometValidatorsInput;
  /**
   * The validator set of the header's height (e.g. from
   * `/validators?height=H`); needed only when it differs from the trusted set.
   */
  validators?: CometValidatorsInput;
  /** Fraction of the trusted set's power that must have signed when the set changed; default 1/3. */
  trustLevel?: CometTrustLevel;
}

function list(v: CometValidatorsInput): readonly CometValidator[] {
  return "validators" in v ? v.validators : v;
}

function totalPower(validators: readonly CometValidator[]): bigint {
  return validators.reduce((n, v) => n + v.votingPower, 0n);
}

/** Checks signatures of one commit once each: the two tallies of skipping verification share them. */
class SignatureChecker {
  private readonly ok = new Set<string>();
  constructor(
    private readonly chainId: string,
    private readonly commit: CometCommit,
  ) {}

  check(index: number, validator: CometValidator): void {
    const memo = `${index}:${toHex(validator.pubKey)}`;
    if (this.ok.has(memo)) return;
    const sig = this.commit.signatures[index];
    if (!sig) throw LightErrors.signersMismatch.create(`the commit has no signature at index ${index}`);
    let valid = false;
    if (sig.signature.length === 64) {
      try {
        // CometBFT verifies with ZIP-215 rules; stricter rules could reject commits the chain accepted.
        valid = ed25519.verify(sig.signature, commitVoteSignBytes(this.chainId, this.commit, index), validator.pubKey, {
          zip215: true,
        });
      } catch {
        valid = false;
      }
    }
    if (!valid) {
      throw LightErrors.invalidSignature.create(
        `the signature at index ${index} (validator ${toHex(validator.address).toUpperCase()}) does not verify`,
        { index, validator: toHex(validator.address) },
      );
    }
    this.ok.add(memo);
  }
}

/**
 * Checks that a commit signs a header of the expected chain, without looking
 * at who signed: chain id, heights, and commit.block_id.hash = hash(header).
 * Returns the header's hash. Fails with `light.wrong_chain`,
 * `light.height_mismatch`, `light.header_hash_mismatch` or `light.malformed`.
 */
export function checkCometSignedHeader(signedHeader: CometSignedHeader, chainId: string): Uint8Array {
  const { header, commit } = signedHeader;
  if (header.chainId !== chainId) {
    throw LightErrors.wrongChain.create(
      `the header is of chain ${JSON.stringify(header.chainId)}, not ${JSON.stringify(chainId)}`,
    );
  }
  if (commit.height !== header.height) {
    throw LightErrors.heightMismatch.create(
      `the commit is for height ${commit.height}, the header is ${header.height}`,
    );
  }
  if (commit.signatures.length === 0) throw LightErrors.malformed.create("the commit has no signatures");
  const hash = cometHeaderHash(header);
  if (!bytesEqual(hash, commit.blockId.hash)) {
    throw LightErrors.headerHashMismatch.create(
      `the commit signs block ${toHex(commit.blockId.hash).toUpperCase()}, the header's hash is ${toHex(hash).toUpperCase()}`,
    );
  }
  return hash;
}

function checkValidatorsHash(header: CometHeader, validators: readonly CometValidator[]): void {
  const hash = cometValidatorSetHash(validators);
  if (!bytesEqual(hash, header.validatorsHash)) {
    throw LightErrors.validatorsMismatch.create(
      `the validator set hashes to ${toHex(hash).toUpperCase()}, the header of height ${header.height} names ${toHex(header.validatorsHash).toUpperCase()}`,
    );
  }
}

// More than 2/3 of `validators`, which must be the commit's set: signatures line up by index.
function tallyByIndex(checker: SignatureChecker, commit: CometCommit, validators: readonly CometValidator[]): void {
  if (commit.signatures.length !== validators.length) {
    throw LightErrors.signersMismatch.create(
      `the commit has ${commit.signatures.length} signatures for ${validators.length} validators`,
    );
  }
  let signed = 0n;
  for (const [i, sig] of commit.signatures.entries()) {
    if (sig.flag !== CometBlockIdFlag.Commit) continue;
    const v = validators[i] as CometValidator;
    if (!bytesEqual(v.address, sig.validatorAddress)) {
      throw LightErrors.signersMismatch.create(
        `signature ${i} is by ${toHex(sig.validatorAddress).toUpperCase()}, validator ${i} is ${toHex(v.address).toUpperCase()}`,
      );
    }
    checker.check(i, v);
    signed += v.votingPower;
  }
  const total = totalPower(validators);
  if (signed * 3n <= total * 2n) {
    throw LightErrors.insufficientPower.create(
      `validators with ${signed} of ${total} voting power signed; more than 2/3 must`,
      { signed: signed.toString(), total: total.toString() },
    );
  }
}

// More than `level` of `trusted`, matched by address (the set may differ from the commit's).
function tallyByAddress(
  checker: SignatureChecker,
  commit: CometCommit,
  trusted: readonly CometValidator[],
  level: CometTrustLevel,
): void {
  const byAddress = new Map(trusted.map((v) => [toHex(v.address), v]));
  const seen = new Set<string>();
  let signed = 0n;
  for (const [i, sig] of commit.signatures.entries()) {
    if (sig.flag !== CometBlockIdFlag.Commit) continue;
    const key = toHex(sig.validatorAddress);
    const v = byAddress.get(key);
    if (!v) continue;
    if (seen.has(key)) throw LightErrors.signersMismatch.create(`validator ${key.toUpperCase()} signed twice`);
    seen.add(key);
    checker.check(i, v);
    signed += v.votingPower;
  }
  const total = totalPower(trusted);
  if (signed * level.denominator <= total * level.numerator) {
    throw LightErrors.untrustedValidators.create(
      `trusted validators with ${signed} of ${total} voting power signed; more than ${level.numerator}/${level.denominator} must`,
      { signed: signed.toString(), total: total.toString() },
    );
  }
}

function checkTrustLevel(level: CometTrustLevel): void {
  if (level.denominator <= 0n || level.numerator * 3n < level.denominator || level.numerator > level.denominator) {
    throw new RangeError(`trust level ${level.numerator}/${level.denominator} is not within [1/3, 1]`);
  }
}

function verified(
  signedHeader: CometSignedHeader,
  blockHash: Uint8Array,
  validators: readonly CometValidator[],
): VerifiedCometHeader {
  const h = signedHeader.header;
  return {
    chainId: h.chainId,
    height: h.height,
    time: formatCometTime(h.time),
    appHash: h.appHash,
    validatorsHash: h.validatorsHash,
    nextValidatorsHash: h.nextValidatorsHash,
    blockHash,
    validators: [...validators],
    header: h,
  };
}

/**
 * Verifies a signed header against the validator set of its height: the
 * commit signs this header of `chainId`, `validators` hashes to the header's
 * validators_hash, every commit signature verifies and more than 2/3 of the
 * set's power signed. Trusts `validators` as given: use {@link verifyCometHeader}
 * to start from a set the caller already trusts.
 */
export function verifyCometCommit(
  signedHeader: CometSignedHeader,
  validators: CometValidatorsInput,
  chainId: string,
): VerifiedCometHeader {
  const blockHash = checkCometSignedHeader(signedHeader, chainId);
  const vals = list(validators);
  assertCometValidatorSet(vals);
  checkValidatorsHash(signedHeader.header, vals);
  tallyByIndex(new SignatureChecker(chainId, signedHeader.commit), signedHeader.commit, vals);
  return verified(signedHeader, blockHash, vals);
}

/**
 * Verifies that validators of `trusted` (matched by address, so the set may
 * differ from the commit's) holding more than `trustLevel` of its power
 * signed the commit, and that each such signature verifies. Fails with
 * `light.untrusted_validators`, `light.invalid_signature` or
 * `light.signers_mismatch` (a validator signing twice).
 */
export function verifyCometCommitTrusting(
  signedHeader: CometSignedHeader,
  trusted: CometValidatorsInput,
  chainId: string,
  trustLevel: CometTrustLevel = DEFAULT_COMET_TRUST_LEVEL,
): void {
  checkTrustLevel(trustLevel);
  const vals = list(trusted);
  assertCometValidatorSet(vals, "trusted validators");
  tallyByAddress(new SignatureChecker(chainId, signedHeader.commit), signedHeader.commit, vals, trustLevel);
}

/**
 * Verifies a signed header starting from a validator set the caller trusts.
 * When the header's validators_hash is the trusted set's hash, more than 2/3
 * of the trusted set must have signed. Otherwise the set changed: the
 * header's own set (`validators`) must hash to its validators_hash, trusted
 * validators holding more than `trustLevel` (1/3) of the trusted power must
 * have signed, and more than 2/3 of the new set.
 *
 * Fails with a `light.*` error: `wrong_chain`, `height_mismatch`,
 * `header_hash_mismatch`, `validators_mismatch`, `signers_mismatch`,
 * `invalid_signature`, `insufficient_power`, `untrusted_validators` or
 * `malformed`.
 */
export function verifyCometHeader(
  signedHeader: CometSignedHeader,
  options: VerifyCometHeaderOptions,
): VerifiedCometHeader {
  const { chainId } = options;
  const level = options.trustLevel ?? DEFAULT_COMET_TRUST_LEVEL;
  checkTrustLevel(level);
  const blockHash = checkCometSignedHeader(signedHeader, chainId);
  const { header, commit } = signedHeader;
  const trusted = list(options.trustedValidators);
  assertCometValidatorSet(trusted, "trusted validators");
  const given = options.validators === undefined ? undefined : list(options.validators);
  if (given) assertCometValidatorSet(given);
  const checker = new SignatureChecker(chainId, commit);

  if (bytesEqual(cometValidatorSetHash(trusted), header.validatorsHash)) {
    if (given) checkValidatorsHash(header, given);
    tallyByIndex(checker, commit, trusted);
    return verified(signedHeader, blockHash, trusted);
  }
  if (!given) {
    throw LightErrors.validatorsMismatch.create(
      `the validator set of height ${header.height} is not the trusted one; pass that height's validators`,
    );
  }
  checkValidatorsHash(header, given);
  tallyByAddress(checker, commit, trusted, level);
  // Last, as CometBFT does: the untrusted set could be made huge to waste the client's time.
  tallyByIndex(checker, commit, given);
  return verified(signedHeader, blockHash, given);
}
