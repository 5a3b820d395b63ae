/**
 * Store keys of the governance module. Ids, times and heights are 8-byte
 * big-endian, so byte order is numeric order: proposals scan by id, the due
 * queue by deadline then id, regulation versions by effective height then
 * proposal id. Variable-length parts (organization ids, topics) come last or
 * are followed by a `/` they cannot contain.
 */
import {
  ADDRESS_LENGTH,
  be64,
  concatBytes,
  decodeAddress,
  encodeAddress,
  fromUtf8,
  readBe64,
  utf8,
} from "@urbis/protocol";

/** Every governance key starts with this prefix. */
export const GOV_PREFIX = utf8("gov/");
/** Key of the governance parameters. */
export const GOV_PARAMS_KEY = utf8("gov/params");
/** Key of the next proposal id (u64; absent means 1). */
export const GOV_NEXT_ID_KEY = utf8("gov/next_id");
/** Prefix of every proposal record: `gov/proposal/` ‖ id (BE u64). Value: Proposal. */
export const GOV_PROPOSAL_PREFIX = utf8("gov/proposal/");
/**
 * Prefix of the due queue: `gov/queue/` ‖ deadline ms (BE u64) ‖ id (BE u64),
 * empty value. Every proposal with a deadline ahead (deposit end, voting end,
 * execution time) has exactly one entry, so the end of the block scans only what is due.
 */
export const GOV_QUEUE_PREFIX = utf8("gov/queue/");
/** Prefix of every vote: `gov/vote/` ‖ proposal id (BE u64) ‖ organization id. Value: VoteRecord. */
export const GOV_VOTE_PREFIX = utf8("gov/vote/");
/** Prefix of every deposit: `gov/deposit/` ‖ proposal id (BE u64) ‖ depositor (20 bytes). Value: u128, the depositor's total. */
export const GOV_DEPOSIT_PREFIX = utf8("gov/deposit/");
/**
 * Prefix of every regulation version: `gov/regulation/` ‖ topic ‖ `/` ‖
 * effective height (BE u64) ‖ `/` ‖ proposal id (BE u64). Value: Regulation.
 */
export const GOV_REGULATION_PREFIX = utf8("gov/regulation/");

/** Key of one proposal. */
export function proposalKey(id: bigint): Uint8Array {
  return concatBytes(GOV_PROPOSAL_PREFIX, be64(id));
}

/** Key of one due-queue entry. */
export function queueKey(dueMs: bigint, id: bigint): Uint8Array {
  return concatBytes(GOV_QUEUE_PREFIX, be64(dueMs), be64(id));
}

/** Deadline and proposal id of a full queue key (inverse of {@link queueKey}). */
export function parseQueueKey(key: Uint8Array): { dueMs: bigint; id: bigint } {
  const s = GOV_QUEUE_PREFIX.length;
  return { dueMs: readBe64(key, s), id: readBe64(key, s + 8) };
}

/** Prefix of every vote on one proposal. */
export function proposalVotesPrefix(id: bigint): Uint8Array {
  return concatBytes(GOV_VOTE_PREFIX, be64(id));
}

/** Key of one organization's vote on one proposal. */
export function voteKey(id: bigint, org: string): Uint8Array {
  return concatBytes(proposalVotesPrefix(id), utf8(org));
}

/** Prefix of every deposit on one proposal. */
export function proposalDepositsPrefix(id: bigint): Uint8Array {
  return concatBytes(GOV_DEPOSIT_PREFIX, be64(id));
}

/** Key of one depositor's deposits on one proposal. */
export function depositKey(id: bigint, depositor: string): Uint8Array {
  return concatBytes(proposalDepositsPrefix(id), decodeAddress(depositor));
}

/** Proposal id and depositor of a full deposit key (inverse of {@link depositKey}). */
export function parseDepositKey(key: Uint8Array): { id: bigint; depositor: string } {
  const s = GOV_DEPOSIT_PREFIX.length;
  return { id: readBe64(key, s), depositor: encodeAddress(key.subarray(s + 8, s + 8 + ADDRESS_LENGTH)) };
}

/** Prefix of every version of one regulation topic. */
export function topicPrefix(topic: string): Uint8Array {
  return concatBytes(GOV_REGULATION_PREFIX, utf8(topic), utf8("/"));
}

/** Key of one regulation version. */
export function regulationKey(topic: string, effectiveHeight: bigint, proposalId: bigint): Uint8Array {
  return concatBytes(topicPrefix(topic), be64(effectiveHeight), utf8("/"), be64(proposalId));
}

/** Topic, effective height and proposal id of a full regulation key (inverse of {@link regulationKey}). */
export function parseRegulationKey(key: Uint8Array): { topic: string; effectiveHeight: bigint; proposalId: bigint } {
  const rest = key.subarray(GOV_REGULATION_PREFIX.length);
  const topicEnd = rest.length - 18; // "/" + 8 bytes + "/" + 8 bytes
  return {
    topic: fromUtf8(rest.subarray(0, topicEnd)),
    effectiveHeight: readBe64(rest, topicEnd + 1),
    proposalId: readBe64(rest, topicEnd + 10),
  };
}
