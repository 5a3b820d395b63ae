import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { encodeAddress } from "../../address.js";
import { toHex } from "../../bytes.js";
import { encode, MAX_U64, MAX_U128 } from "../../codec/index.js";
import { registeredErrors } from "../../errors.js";
import { codeOf, rec, roundTripper } from "../../test-support.js";
import { GovErrors } from "./errors.js";
import {
  depositMsg,
  GOV_MESSAGES,
  regulationMsg,
  submitProposalMsg,
  treasurySpendMsg,
  updateGovParamsMsg,
  validateDepositMsg,
  validateRegulationMsg,
  validateSubmitProposalMsg,
  validateTreasurySpendMsg,
  validateUpdateGovParamsMsg,
  voteMsg,
} from "./messages.js";
import { tallyVotes } from "./tally.js";
import {
  DEFAULT_GOV_PARAMS,
  type GovParams,
  govParamsCodec,
  MAX_PERIOD_MS,
  PROPOSAL_STATUSES,
  type Proposal,
  proposalCodec,
  proposalToJson,
  regulationCodec,
  regulationToJson,
  sectorWeight,
  tallyResultCodec,
  tallyToJson,
  VOTE_OPTIONS,
  validateGovParams,
  voteRecordCodec,
} from "./types.js";

const addr = fc.uint8Array({ minLength: 20, maxLength: 20 }).map(encodeAddress);
const u64 = fc.bigInt({ min: 0n, max: MAX_U64 });
const u128 = fc.bigInt({ min: 0n, max: MAX_U128 });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const msg = rec({ type: fc.constantFrom("gov/regulation", "org/admit"), value: fc.uint8Array({ maxLength: 40 }) });
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const roundTrips = roundTripper(60);

const paramsArb: fc.Arbitrary<GovParams> = rec({
  depositDenom: fc.constantFrom("ucity", "abc"),
  minDeposit: u128,
  depositPeriodMs: u64,
  votingPeriodMs: u64,
  timelockMs: u64,
  quorumBps: u32,
  thresholdBps: u32,
  vetoBps: u32,
  minApprovingSectors: u32,
  sectorWeights: fc.array(rec({ sector: fc.string({ maxLength: 20 }), weight: u32 }), { maxLength: 4 }),
});
const sectorTally = rec({
  sector: fc.string({ maxLength: 10 }),
  weight: u32,
  organizations: u32,
  yes: u128,
  no: u128,
  abstain: u128,
  veto: u128,
  approves: fc.boolean(),
});
const tallyArb = rec({
  total: u128,
  voted: u128,
  yes: u128,
  no: u128,
  abstain: u128,
  veto: u128,
  quorumReached: fc.boolean(),
  thresholdReached: fc.boolean(),
  vetoed: fc.boolean(),
  approvingSectors: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
  sectors: fc.array(sectorTally, { maxLength: 3 }),
  passed: fc.boolean(),
});

describe("gov codecs", () => {
  it("round-trip every message and state type", () => {
    roundTrips(
      submitProposalMsg.codec,
      rec({
        title: fc.string(),
        summary: fc.string(),
        messages: fc.array(msg, { maxLength: 3 }),
        initialDeposit: u128,
      }),
    );
    roundTrips(depositMsg.codec, rec({ proposalId: u64, amount: u128 }));
    roundTrips(voteMsg.codec, rec({ proposalId: u64, option: fc.constantFrom(...VOTE_OPTIONS) }));
    roundTrips(
      regulationMsg.codec,
      rec({
        topic: fc.string(),
        title: fc.string(),
        documentHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
        uri: fc.string(),
        effectiveHeight: u64,
      }),
    );
    roundTrips(treasurySpendMsg.codec, rec({ recipient: addr, denom: fc.constantFrom("ucity"), amount: u128 }));
    roundTrips(updateGovParamsMsg.codec, rec({ params: paramsArb }));
    roundTrips(govParamsCodec, paramsArb);
    roundTrips(tallyResultCodec, tallyArb);
    roundTrips(
      voteRecordCodec,
      rec({
        org: fc.string({ maxLength: 20 }),
        voter: addr,
        option: fc.constantFrom(...VOTE_OPTIONS),
        height: u64,
        timeMs: u64,
      }),
    );
    roundTrips(
      proposalCodec,
      rec({
        id: u64,
        proposer: addr,
        proposerOrg: fc.string({ maxLength: 20 }),
        title: fc.string(),
        summary: fc.string(),
        messages: fc.array(msg, { maxLength: 3 }),
        status: fc.constantFrom(...PROPOSAL_STATUSES),
        submitHeight: u64,
        submitTimeMs: u64,
        depositDenom: fc.constantFrom("ucity"),
        minDeposit: u128,
        depositEndMs: u64,
        votingStartMs: opt(u64),
        votingEndMs: opt(u64),
        executeAtMs: opt(u64),
        totalDeposit: u128,
        finalTally: opt(tallyArb),
        decidedHeight: opt(u64),
        failure: opt(rec({ codespace: fc.string({ maxLength: 10 }), code: u32, log: fc.string() })),
        executedHeight: opt(u64),
      }),
    );
    roundTrips(
      regulationCodec,
      rec({
        topic: fc.string({ maxLength: 20 }),
        title: fc.string(),
        documentHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
        uri: fc.string(),
        effectiveHeight: u64,
        proposalId: u64,
        recordedHeight: u64,
        recordedTimeMs: u64,
      }),
    );
  });

  it("have the documented type strings", () => {
    assert.deepEqual(
      GOV_MESSAGES.map((t) => t.type),
      ["gov/submit_proposal", "gov/deposit", "gov/vote", "gov/regulation", "gov/treasury_spend", "gov/update_params"],
    );
  });

  it("lay a vote out as little-endian u64 then one option byte, and refuse unknown options as malformed", () => {
    assert.equal(toHex(encode(voteMsg.codec, { proposalId: 258n, option: "veto" })), "020100000000000003");
    assert.equal(
      codeOf(() => voteMsg.unwrap({ type: "gov/vote", value: new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 4]) })),
      "tx.malformed",
    );
    assert.equal(
      codeOf(() => encode(voteMsg.codec, { proposalId: 1n, option: "maybe" as never })),
      "codec.out_of_range",
    );
  });
});

describe("gov stateless validation", () => {
  const reg = {
    topic: "parking.zones",
    title: "Parking zones",
    documentHash: new Uint8Array(32),
    uri: "https://city.example/p",
    effectiveHeight: 0n,
  };

  it("checks proposal text and message count", () => {
    const ok = {
      title: "T",
      summary: "",
      messages: [{ type: "gov/regulation", value: new Uint8Array() }],
      initialDeposit: 0n,
    };
    assert.equal(
      codeOf(() => validateSubmitProposalMsg(ok)),
      "ok",
    );
    assert.equal(
      codeOf(() => validateSubmitProposalMsg({ ...ok, title: "\u0007" })),
      "gov.invalid_proposal_text",
    );
    assert.equal(
      codeOf(() => validateSubmitProposalMsg({ ...ok, messages: [] })),
      "gov.invalid_proposal_content",
    );
    assert.equal(
      codeOf(() => validateSubmitProposalMsg({ ...ok, messages: new Array(17).fill(ok.messages[0]) })),
      "gov.invalid_proposal_content",
    );
  });

  it("checks deposits, spends and regulations", () => {
    assert.equal(
      codeOf(() => validateDepositMsg({ proposalId: 1n, amount: 0n })),
      "bank.invalid_amount",
    );
    assert.equal(
      codeOf(() => validateTreasurySpendMsg({ recipient: encodeAddress(new Uint8Array(20)), denom: "U", amount: 1n })),
      "bank.invalid_denom",
    );
    assert.equal(
      codeOf(() => validateRegulationMsg(reg)),
      "ok",
    );
    for (const patch of [
      { topic: "p" },
      { topic: "Parking" },
      { title: "" },
      { uri: "city.example" },
      { uri: "https://a b" },
    ]) {
      assert.equal(
        codeOf(() => validateRegulationMsg({ ...reg, ...patch })),
        "gov.invalid_regulation",
        JSON.stringify(patch),
      );
    }
    assert.equal(
      codeOf(() => validateRegulationMsg({ ...reg, uri: "ipfs:bafy" })),
      "ok",
    );
  });

  it("checks parameters", () => {
    assert.equal(
      codeOf(() => validateGovParams(DEFAULT_GOV_PARAMS)),
      "ok",
    );
    assert.equal(
      codeOf(() => validateUpdateGovParamsMsg({ params: { ...DEFAULT_GOV_PARAMS, timelockMs: MAX_PERIOD_MS } })),
      "ok",
    );
    assert.equal(
      codeOf(() => validateGovParams({ ...DEFAULT_GOV_PARAMS, timelockMs: MAX_PERIOD_MS + 1n })),
      "gov.invalid_params",
    );
    const sectors = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        sector: `sector_${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`,
        weight: 1,
      }));
    assert.equal(
      codeOf(() => validateGovParams({ ...DEFAULT_GOV_PARAMS, sectorWeights: sectors(64) })),
      "ok",
    );
    assert.equal(
      codeOf(() => validateGovParams({ ...DEFAULT_GOV_PARAMS, sectorWeights: sectors(65) })),
      "gov.invalid_params",
    );
    assert.equal(sectorWeight([{ sector: "health", weight: 5 }], "health"), 5n);
    assert.equal(sectorWeight([{ sector: "health", weight: 5 }], "finance"), 1n);
  });
});

describe("gov JSON forms", () => {
  it("write bigints as decimal strings, bytes as base64 or hex, and absent fields as null", () => {
    const tally = tallyVotes(
      [
        { id: "a-org", sector: "health" },
        { id: "b-org", sector: "finance" },
      ],
      [{ org: "a-org", option: "yes" }],
      { ...DEFAULT_GOV_PARAMS, minApprovingSectors: 1 },
    );
    assert.deepEqual(tallyToJson(tally), {
      total: "2",
      voted: "1",
      yes: "1",
      no: "0",
      abstain: "0",
      veto: "0",
      quorumReached: true,
      thresholdReached: true,
      vetoed: false,
      approvingSectors: ["health"],
      sectors: [
        { sector: "finance", weight: 1, organizations: 1, yes: "0", no: "0", abstain: "0", veto: "0", approves: false },
        { sector: "health", weight: 1, organizations: 1, yes: "1", no: "0", abstain: "0", veto: "0", approves: true },
      ],
      passed: true,
    });
    const p: Proposal = {
      id: 3n,
      proposer: encodeAddress(new Uint8Array(20)),
      proposerOrg: "city-hall",
      title: "T",
      summary: "S",
      messages: [{ type: "gov/regulation", value: new Uint8Array([1, 2, 3]) }],
      status: "voting_period",
      submitHeight: 5n,
      submitTimeMs: 1000n,
      depositDenom: "ucity",
      minDeposit: 10n,
      depositEndMs: 2000n,
      votingStartMs: 1500n,
      votingEndMs: 9000n,
      executeAtMs: undefined,
      totalDeposit: 10n,
      finalTally: undefined,
      decidedHeight: undefined,
      failure: undefined,
      executedHeight: undefined,
    };
    const j = proposalToJson(p);
    assert.deepEqual(j.messages, [{ type: "gov/regulation", value: "AQID" }]);
    assert.deepEqual([j.id, j.votingEndMs, j.executeAtMs, j.finalTally, j.failure], ["3", "9000", null, null, null]);
    assert.equal(
      regulationToJson({
        topic: "t-x",
        title: "T",
        documentHash: new Uint8Array(32).fill(0xab),
        uri: "https://x",
        effectiveHeight: 1n,
        proposalId: 2n,
        recordedHeight: 1n,
        recordedTimeMs: 0n,
      }).documentHash,
      "ab".repeat(32),
    );
  });
});

describe("gov error codes", () => {
  it("are registered in codespace gov with codes from 1, without gaps", () => {
    const gov = registeredErrors().filter((d) => d.codespace === "gov");
    assert.deepEqual(
      gov.map((d) => d.code),
      gov.map((_, i) => i + 1),
    );
    assert.equal(gov.length, Object.keys(GovErrors).length);
    assert.equal(GovErrors.unknownProposal.httpStatus, 404);
    assert.equal(GovErrors.notAdmin.httpStatus, 403);
    assert.equal(GovErrors.alreadyVoted.httpStatus, 409);
    assert.equal(GovErrors.unknownProposalKind.create().id, "gov.unknown_proposal_kind");
  });
});
