import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toHex } from "@urbis/protocol";
import { LightErrors } from "./errors.js";
import { CHAIN_ID, HEIGHTS, rawAt, rawGenesis, VAL_TX_HEIGHT } from "./fixtures/index.js";
import {
  parseCometBlock,
  parseCometCommit,
  parseCometGenesisValidators,
  parseCometHeader,
  parseCometValidators,
} from "./rpc.js";
import { CometBlockIdFlag } from "./types.js";

const malformed = (f: () => unknown, why?: RegExp) =>
  assert.throws(f, (e: unknown) => {
    assert.ok(LightErrors.malformed.is(e), `expected light.malformed, got ${e}`);
    if (why) assert.match(e.message, why);
    return true;
  });

describe("parsing real RPC answers", () => {
  it("parses /commit, /validators and /block of every height", () => {
    for (const h of HEIGHTS) {
      const sh = parseCometCommit(rawAt(h, "commit"));
      assert.equal(sh.header.height, BigInt(h));
      assert.equal(sh.header.chainId, CHAIN_ID);
      assert.equal(sh.commit.height, BigInt(h));
      assert.equal(sh.header.version.block, 11n);
      const vals = parseCometValidators(rawAt(h, "validators"));
      assert.equal(vals.height, BigInt(h));
      assert.equal(vals.validators.length, h >= VAL_TX_HEIGHT + 2 ? 5 : 4);
      const block = parseCometBlock(rawAt(h, "block"));
      assert.equal(toHex(block.blockId.hash), toHex(sh.commit.blockId.hash));
      assert.equal(block.lastCommit.height, BigInt(h - 1));
    }
  });

  it("keeps the absent vote of the offline validator", () => {
    const sh = parseCometCommit(rawAt(VAL_TX_HEIGHT + 3, "commit"));
    const flags = sh.commit.signatures.map((s) => s.flag);
    assert.deepEqual(flags.slice(0, 4), [2, 2, 2, 2]);
    assert.equal(flags[4], CometBlockIdFlag.Absent);
    assert.equal(sh.commit.signatures[4]?.signature.length, 0);
  });

  it("accepts a whole JSON-RPC envelope", () => {
    const sh = parseCometCommit({ jsonrpc: "2.0", id: -1, result: rawAt(2, "commit") });
    assert.equal(sh.header.height, 2n);
    malformed(() => parseCometCommit({ jsonrpc: "2.0", id: -1, error: { code: -32603, message: "boom" } }), /error/);
  });

  it("parses genesis validators into CometBFT's order", () => {
    const set = parseCometGenesisValidators(rawGenesis());
    assert.deepEqual(
      set.validators.map((v) => v.votingPower),
      [40n, 30n, 20n, 10n],
    );
    assert.equal(parseCometGenesisValidators(rawGenesis().genesis).validators.length, 4);
  });
});

describe("malformed answers fail with light.malformed", () => {
  type Tamper = (r: any) => void;
  const commitCases: [string, Tamper, RegExp][] = [
    ["no signed_header", (r) => delete r.signed_header, /signed_header/],
    ["height as a number", (r) => (r.signed_header.header.height = 5), /header\.height/],
    ["height not decimal", (r) => (r.signed_header.header.height = "0x5"), /decimal/],
    ["zero height", (r) => (r.signed_header.header.height = "0"), /positive/],
    ["height beyond int64", (r) => (r.signed_header.header.height = "9223372036854775808"), /range/],
    ["bad hex", (r) => (r.signed_header.header.app_hash = "XYZ1"), /app_hash/],
    ["odd hex", (r) => (r.signed_header.header.data_hash = "ABC"), /data_hash/],
    ["short hash", (r) => (r.signed_header.header.consensus_hash = "ABCD"), /32 bytes/],
    ["empty validators_hash", (r) => (r.signed_header.header.validators_hash = ""), /validators_hash/],
    ["short proposer", (r) => (r.signed_header.header.proposer_address = "AB"), /20 bytes/],
    ["other block protocol", (r) => (r.signed_header.header.version.block = "10"), /block protocol/],
    ["bad time", (r) => (r.signed_header.header.time = "yesterday"), /RFC 3339/],
    ["no last_block_id parts", (r) => delete r.signed_header.header.last_block_id.parts, /parts/],
    ["long chain id", (r) => (r.signed_header.header.chain_id = "c".repeat(51)), /too long/],
    ["round not a number", (r) => (r.signed_header.commit.round = "0"), /round/],
    ["negative round", (r) => (r.signed_header.commit.round = -1), /round/],
    ["signatures not a list", (r) => (r.signed_header.commit.signatures = {}), /signatures/],
    ["unknown flag", (r) => (r.signed_header.commit.signatures[0].block_id_flag = 4), /block_id_flag/],
    ["bad base64", (r) => (r.signed_header.commit.signatures[0].signature = "!!!"), /base64/],
    ["missing signature", (r) => (r.signed_header.commit.signatures[0].signature = null), /signature/],
    ["oversized signature", (r) => (r.signed_header.commit.signatures[0].signature = "A".repeat(88)), /signature/],
    ["short address", (r) => (r.signed_header.commit.signatures[0].validator_address = "AB"), /20 bytes/],
    ["absent vote with a signature", (r) => (r.signed_header.commit.signatures[0].block_id_flag = 1), /absent vote/],
  ];
  for (const [name, tamper, why] of commitCases) {
    it(`/commit: ${name}`, () => {
      const r = rawAt(3, "commit");
      tamper(r);
      malformed(() => parseCometCommit(r), why);
    });
  }

  const validatorCases: [string, Tamper, RegExp][] = [
    ["a page short", (r) => (r.total = "5"), /4 of 5/],
    ["count disagrees", (r) => (r.count = "3"), /validators/],
    ["secp256k1 key", (r) => (r.validators[0].pub_key.type = "tendermint/PubKeySecp256k1"), /unsupported key type/],
    ["short key", (r) => (r.validators[0].pub_key.value = "AAAA"), /32 bytes/],
    ["address of another key", (r) => (r.validators[0].address = r.validators[1].address), /address of the public key/],
    ["zero power", (r) => (r.validators[0].voting_power = "0"), /positive/],
    ["power as a number", (r) => (r.validators[0].voting_power = 40), /voting_power/],
    [
      "duplicate validator",
      (r) => {
        r.validators[1] = r.validators[0];
      },
      /duplicate/,
    ],
    [
      "empty set",
      (r) => {
        r.validators = [];
        r.count = "0";
        r.total = "0";
      },
      /empty/,
    ],
    ["not an object", (r) => (r.validators[2] = "x"), /validators\[2\]/],
  ];
  for (const [name, tamper, why] of validatorCases) {
    it(`/validators: ${name}`, () => {
      const r = rawAt(3, "validators");
      tamper(r);
      malformed(() => parseCometValidators(r), why);
    });
  }

  it("non-objects", () => {
    for (const v of [null, 3, "x", [], undefined]) {
      malformed(() => parseCometCommit(v));
      malformed(() => parseCometValidators(v));
      malformed(() => parseCometBlock(v));
      malformed(() => parseCometHeader(v));
    }
  });
});
