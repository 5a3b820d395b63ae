import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, toHex } from "@urbis/protocol";
import fc from "fast-check";
import {
  blockAt,
  CHAIN_ID,
  genesisValidators,
  HEIGHTS,
  rawGenesis,
  signedHeaderAt,
  VAL_TX_HEIGHT,
  validatorsAt,
} from "./fixtures/index.js";
import {
  cometCommitHash,
  cometHeaderFieldEncodings,
  cometHeaderHash,
  cometMerkleRoot,
  cometValidatorSetHash,
  commitVoteSignBytes,
  precommitSignBytes,
} from "./hash.js";
import { formatCometTime, parseCometTime } from "./time.js";
import { CometBlockIdFlag } from "./types.js";

const hex = (b: Uint8Array) => toHex(b).toUpperCase();
const bytes = (...xs: number[]) => new Uint8Array(xs);
const leaf = (b: Uint8Array) => sha256(concatBytes(bytes(0), b));
const inner = (l: Uint8Array, r: Uint8Array) => sha256(concatBytes(bytes(1), l, r));

describe("header hash (golden, real CometBFT data)", () => {
  for (const h of HEIGHTS) {
    it(`height ${h}: hash(header) is the block id the commit signs and /block reports`, () => {
      const { header, commit } = signedHeaderAt(h);
      const block = blockAt(h);
      assert.equal(hex(cometHeaderHash(header)), hex(commit.blockId.hash));
      assert.equal(hex(cometHeaderHash(block.header)), hex(block.blockId.hash));
      assert.equal(hex(block.blockId.hash), hex(commit.blockId.hash));
    });
  }

  it("changing any field changes the hash", () => {
    const { header } = signedHeaderAt(4);
    const base = hex(cometHeaderHash(header));
    const tweaks = [
      { ...header, appHash: bytes(...header.appHash, 0) },
      { ...header, chainId: `${header.chainId}x` },
      { ...header, height: header.height + 1n },
      { ...header, time: { ...header.time, nanos: header.time.nanos + 1 } },
      { ...header, version: { ...header.version, app: header.version.app + 1n } },
      { ...header, lastBlockId: { ...header.lastBlockId, parts: { ...header.lastBlockId.parts, total: 2 } } },
      { ...header, proposerAddress: new Uint8Array(20) },
    ];
    for (const t of tweaks) assert.notEqual(hex(cometHeaderHash(t)), base);
  });

  it("encodes empty wrapper values as no bytes (height 1 has an empty last_block_id)", () => {
    const { header } = signedHeaderAt(1);
    const enc = cometHeaderFieldEncodings(header);
    assert.equal(enc.length, 14);
    // BlockID{hash: none, part_set_header: {}}: only the non-nullable part set header's empty message.
    assert.deepEqual(enc[4], bytes(0x12, 0x00));
    const blank = cometHeaderFieldEncodings({ ...header, chainId: "", height: 0n, appHash: new Uint8Array(0) });
    assert.deepEqual([blank[1], blank[2], blank[10]], [bytes(), bytes(), bytes()]);
    // StringValue{value: "ab"}, Int64Value{value: 300}, BytesValue{value: 0x01}
    const small = cometHeaderFieldEncodings({ ...header, chainId: "ab", height: 300n, appHash: bytes(1) });
    assert.deepEqual(small[1], bytes(0x0a, 2, 0x61, 0x62));
    assert.deepEqual(small[2], bytes(0x08, 0xac, 0x02));
    assert.deepEqual(small[10], bytes(0x0a, 1, 1));
  });
});

describe("validator set hash (golden)", () => {
  for (const h of HEIGHTS) {
    it(`height ${h}: hash(/validators) is the header's validators_hash`, () => {
      assert.equal(
        hex(cometValidatorSetHash(validatorsAt(h).validators)),
        hex(signedHeaderAt(h).header.validatorsHash),
      );
    });
  }

  it("next_validators_hash of height h is the set of h + 1", () => {
    for (const h of HEIGHTS.slice(0, -1)) {
      assert.equal(
        hex(cometValidatorSetHash(validatorsAt(h + 1).validators)),
        hex(signedHeaderAt(h).header.nextValidatorsHash),
      );
    }
  });

  it("the validator update tx changed the set two blocks later", () => {
    const before = signedHeaderAt(VAL_TX_HEIGHT + 1).header.validatorsHash;
    const after = signedHeaderAt(VAL_TX_HEIGHT + 2).header.validatorsHash;
    assert.notEqual(hex(before), hex(after));
    assert.equal(validatorsAt(VAL_TX_HEIGHT + 2).validators.length, 5);
  });

  it("the sorted genesis set hashes to height 1's validators_hash; genesis order does not", () => {
    assert.equal(
      hex(cometValidatorSetHash(genesisValidators().validators)),
      hex(signedHeaderAt(1).header.validatorsHash),
    );
    const unsorted = rawGenesis().genesis.validators.map((v: any) => ({
      address: new Uint8Array(20),
      pubKey: Uint8Array.from(atob(v.pub_key.value), (c) => c.charCodeAt(0)),
      votingPower: BigInt(v.power),
      proposerPriority: 0n,
    }));
    assert.notEqual(hex(cometValidatorSetHash(unsorted)), hex(signedHeaderAt(1).header.validatorsHash));
  });
});

describe("commit hash and vote sign bytes (golden)", () => {
  it("hash(commit of h) is last_commit_hash of h + 1, and /block h+1 carries the same commit", () => {
    for (const h of HEIGHTS.slice(0, -1)) {
      const { commit } = signedHeaderAt(h);
      const next = blockAt(h + 1);
      assert.equal(hex(cometCommitHash(commit)), hex(next.header.lastCommitHash));
      assert.equal(hex(cometCommitHash(next.lastCommit)), hex(next.header.lastCommitHash));
    }
  });

  it("every real precommit signature verifies over the computed sign bytes", () => {
    let checked = 0;
    for (const h of HEIGHTS) {
      const { commit } = signedHeaderAt(h);
      const vals = validatorsAt(h).validators;
      for (const [i, sig] of commit.signatures.entries()) {
        if (sig.flag !== CometBlockIdFlag.Commit) continue;
        const pub = vals[i]?.pubKey as Uint8Array;
        assert.ok(ed25519.verify(sig.signature, commitVoteSignBytes(CHAIN_ID, commit, i), pub), `h${h} #${i}`);
        assert.ok(!ed25519.verify(sig.signature, commitVoteSignBytes(`${CHAIN_ID}x`, commit, i), pub));
        checked++;
      }
    }
    assert.ok(checked >= HEIGHTS.length * 4);
  });

  it("lays out the CanonicalVote as CometBFT does", () => {
    const zeroId = { hash: bytes(), parts: { total: 0, hash: bytes() } };
    // type=2, height=1 (sfixed64), no round, no block id (nil vote), timestamp {} always, chain_id "c"; uvarint length first.
    assert.deepEqual(
      precommitSignBytes("c", { height: 1n, round: 0, blockId: zeroId, timestamp: { seconds: 0n, nanos: 0 } }),
      bytes(16, 0x08, 2, 0x11, 1, 0, 0, 0, 0, 0, 0, 0, 0x2a, 0, 0x32, 1, 0x63),
    );
    const id = { hash: bytes(0xaa), parts: { total: 1, hash: bytes(0xbb) } };
    assert.deepEqual(
      precommitSignBytes("", { height: 2n, round: 1, blockId: id, timestamp: { seconds: 1n, nanos: 2 } }),
      bytes(
        ...[38, 0x08, 2, 0x11, 2, 0, 0, 0, 0, 0, 0, 0, 0x19, 1, 0, 0, 0, 0, 0, 0, 0],
        ...[0x22, 10, 0x0a, 1, 0xaa, 0x12, 5, 0x08, 1, 0x12, 1, 0xbb],
        ...[0x2a, 4, 0x08, 1, 0x10, 2],
      ),
    );
  });
});

describe("RFC 6962 Merkle root", () => {
  const items = [bytes(1), bytes(2), bytes(3), bytes(4), bytes(5)];
  it("matches the definition for 0, 1, 2, 3 and 5 items", () => {
    assert.equal(hex(cometMerkleRoot([])), "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855");
    assert.deepEqual(cometMerkleRoot([bytes()]), sha256(bytes(0)));
    const [a, b, c, d, e] = items.map(leaf) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    assert.deepEqual(cometMerkleRoot(items.slice(0, 2)), inner(a, b));
    assert.deepEqual(cometMerkleRoot(items.slice(0, 3)), inner(inner(a, b), c));
    assert.deepEqual(cometMerkleRoot(items), inner(inner(inner(a, b), inner(c, d)), e));
  });
});

describe("RFC 3339 times", () => {
  it("round-trips every time in the fixtures exactly as Go formats them", () => {
    for (const h of HEIGHTS) {
      const raw = signedHeaderAt(h);
      const { header } = raw;
      assert.equal(parseCometTime(formatCometTime(header.time))?.seconds, header.time.seconds);
      for (const s of raw.commit.signatures)
        assert.deepEqual(parseCometTime(formatCometTime(s.timestamp)), s.timestamp);
    }
    assert.equal(formatCometTime(parseCometTime("2026-01-02T03:04:05.123456789Z")!), "2026-01-02T03:04:05.123456789Z");
    assert.equal(formatCometTime(parseCometTime("2026-01-02T03:04:05.1Z")!), "2026-01-02T03:04:05.1Z");
  });

  it("handles Go's zero time, leap days and offsets", () => {
    assert.deepEqual(parseCometTime("0001-01-01T00:00:00Z"), { seconds: -62_135_596_800n, nanos: 0 });
    assert.equal(formatCometTime({ seconds: -62_135_596_800n, nanos: 0 }), "0001-01-01T00:00:00Z");
    assert.ok(parseCometTime("2024-02-29T00:00:00Z"));
    assert.equal(parseCometTime("2023-02-29T00:00:00Z"), undefined);
    assert.equal(parseCometTime("2023-01-01T24:00:00Z"), undefined);
    assert.equal(parseCometTime("2023-01-01T00:00:00"), undefined);
    assert.equal(parseCometTime("2023-01-01T00:00:00.1234567890Z"), undefined);
    assert.deepEqual(parseCometTime("2025-01-01T01:30:00.5+01:30"), parseCometTime("2025-01-01T00:00:00.5Z"));
  });

  it("agrees with Date on milliseconds", () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_000_000_000_000, max: 250_000_000_000_000 }), (ms) => {
        const iso = new Date(ms).toISOString();
        if (iso.startsWith("+") || iso.startsWith("-")) return;
        const t = parseCometTime(iso);
        assert.ok(t);
        assert.equal(t.seconds * 1000n + BigInt(t.nanos / 1e6), BigInt(ms));
        assert.equal(formatCometTime(t), iso.replace(/\.?0+Z$/, "Z"));
      }),
    );
  });
});
