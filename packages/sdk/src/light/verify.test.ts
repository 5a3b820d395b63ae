import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ErrorDef, toHex } from "@urbis/protocol";
import { LightErrors } from "./errors.js";
import {
  CHAIN_ID,
  genesisValidators,
  HEIGHTS,
  signedHeaderAt,
  signHeader,
  syntheticHeader,
  testSigners,
  VAL_TX_HEIGHT,
  validatorsAt,
} from "./fixtures/index.js";
import { CometBlockIdFlag, type CometCommitSig, type CometValidator } from "./types.js";
import {
  checkCometSignedHeader,
  type VerifiedCometHeader,
  verifyCometCommit,
  verifyCometCommitTrusting,
  verifyCometHeader,
} from "./verify.js";

/** First height signed by the changed validator set (the update applies two blocks after its tx). */
const CHANGED = VAL_TX_HEIGHT + 2;

const fails = (def: ErrorDef, f: () => unknown, why?: RegExp) =>
  assert.throws(f, (e: unknown) => {
    assert.ok(def.is(e), `expected ${def.codespace}.${def.name}, got ${e}`);
    if (why) assert.match(e.message, why);
    return true;
  });

const absent = (): CometCommitSig => ({
  flag: CometBlockIdFlag.Absent,
  validatorAddress: new Uint8Array(0),
  timestamp: { seconds: -62_135_596_800n, nanos: 0 },
  signature: new Uint8Array(0),
});

describe("real commits verify", () => {
  it("every height against its own validator set (verifyCometCommit)", () => {
    for (const h of HEIGHTS) {
      const v = verifyCometCommit(signedHeaderAt(h), validatorsAt(h), CHAIN_ID);
      const { header, commit } = signedHeaderAt(h);
      assert.equal(v.height, BigInt(h));
      assert.equal(toHex(v.appHash), toHex(header.appHash));
      assert.equal(toHex(v.validatorsHash), toHex(header.validatorsHash));
      assert.equal(toHex(v.nextValidatorsHash), toHex(header.nextValidatorsHash));
      assert.equal(toHex(v.blockHash), toHex(commit.blockId.hash));
      assert.match(v.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      assert.equal(v.chainId, CHAIN_ID);
    }
  });

  it("from the genesis set: same set needs only the trusted set, a changed set passes the skipping rule", () => {
    const trustedValidators = genesisValidators();
    for (const h of HEIGHTS) {
      if (h < CHANGED) {
        const v = verifyCometHeader(signedHeaderAt(h), { chainId: CHAIN_ID, trustedValidators });
        assert.equal(v.validators.length, 4);
      } else {
        const v = verifyCometHeader(signedHeaderAt(h), {
          chainId: CHAIN_ID,
          trustedValidators,
          validators: validatorsAt(h),
        });
        assert.equal(v.validators.length, 5);
      }
    }
  });

  it("sequentially, each verified header's set trusting the next", () => {
    let trusted: VerifiedCometHeader | undefined;
    for (const h of HEIGHTS) {
      trusted = verifyCometHeader(signedHeaderAt(h), {
        chainId: CHAIN_ID,
        trustedValidators: trusted?.validators ?? genesisValidators(),
        validators: validatorsAt(h),
      });
    }
    assert.equal(trusted?.height, BigInt(HEIGHTS.at(-1) as number));
  });

  it("a nil vote adds no power but does not fail", () => {
    const sh = signedHeaderAt(3);
    const vals = validatorsAt(3);
    const i = vals.validators.findIndex((v) => v.votingPower === 10n);
    const sig = sh.commit.signatures[i] as CometCommitSig;
    sh.commit.signatures[i] = { ...sig, flag: CometBlockIdFlag.Nil };
    verifyCometCommit(sh, vals, CHAIN_ID);
  });
});

describe("tampering fails with a specific error", () => {
  it("a forged signature: light.invalid_signature", () => {
    const sh = signedHeaderAt(4);
    const sig = sh.commit.signatures[2] as CometCommitSig;
    const forged = sig.signature.slice();
    forged[10] = (forged[10] as number) ^ 1;
    sh.commit.signatures[2] = { ...sig, signature: forged };
    fails(LightErrors.invalidSignature, () => verifyCometCommit(sh, validatorsAt(4), CHAIN_ID), /index 2/);
    fails(LightErrors.invalidSignature, () =>
      verifyCometHeader(sh, { chainId: CHAIN_ID, trustedValidators: genesisValidators() }),
    );
  });

  it("a signature by the right key over another precommit time: light.invalid_signature", () => {
    const sh = signedHeaderAt(4);
    const sig = sh.commit.signatures[0] as CometCommitSig;
    sh.commit.signatures[0] = { ...sig, timestamp: { ...sig.timestamp, nanos: sig.timestamp.nanos + 1 } };
    fails(LightErrors.invalidSignature, () => verifyCometCommit(sh, validatorsAt(4), CHAIN_ID));
  });

  it("a 63-byte signature: light.invalid_signature", () => {
    const sh = signedHeaderAt(4);
    const sig = sh.commit.signatures[1] as CometCommitSig;
    sh.commit.signatures[1] = { ...sig, signature: sig.signature.slice(0, 63) };
    fails(LightErrors.invalidSignature, () => verifyCometCommit(sh, validatorsAt(4), CHAIN_ID));
  });

  it("a modified app_hash: light.header_hash_mismatch", () => {
    const sh = signedHeaderAt(5);
    sh.header.appHash = new Uint8Array(8).fill(9);
    fails(LightErrors.headerHashMismatch, () => verifyCometCommit(sh, validatorsAt(5), CHAIN_ID));
    fails(LightErrors.headerHashMismatch, () =>
      verifyCometHeader(sh, { chainId: CHAIN_ID, trustedValidators: genesisValidators() }),
    );
  });

  it("another header field (time, last_block_id, next_validators_hash): light.header_hash_mismatch", () => {
    const a = signedHeaderAt(5);
    a.header.time = { ...a.header.time, seconds: a.header.time.seconds - 1n };
    const b = signedHeaderAt(5);
    b.header.lastBlockId = signedHeaderAt(2).commit.blockId;
    const c = signedHeaderAt(5);
    c.header.nextValidatorsHash = signedHeaderAt(CHANGED).header.validatorsHash;
    for (const sh of [a, b, c])
      fails(LightErrors.headerHashMismatch, () => verifyCometCommit(sh, validatorsAt(5), CHAIN_ID));
  });

  it("a commit of another block: light.header_hash_mismatch", () => {
    const sh = signedHeaderAt(5);
    sh.header = signedHeaderAt(6).header;
    sh.commit.height = 6n;
    fails(LightErrors.headerHashMismatch, () => verifyCometCommit(sh, validatorsAt(5), CHAIN_ID));
  });

  it("a commit of another height: light.height_mismatch", () => {
    const sh = signedHeaderAt(5);
    sh.commit.height = 6n;
    fails(LightErrors.heightMismatch, () => verifyCometCommit(sh, validatorsAt(5), CHAIN_ID));
  });

  it("signatures removed so that at most 2/3 signed: light.insufficient_power", () => {
    // Powers 40, 30, 20, 10 (set order). Without the 40: 60 of 100.
    const sh = signedHeaderAt(3);
    sh.commit.signatures[0] = absent();
    fails(LightErrors.insufficientPower, () => verifyCometCommit(sh, validatorsAt(3), CHAIN_ID), /60 of 100/);
    fails(LightErrors.insufficientPower, () =>
      verifyCometHeader(sh, { chainId: CHAIN_ID, trustedValidators: genesisValidators() }),
    );
    // Without the 30 instead: 70 of 100 is more than 2/3.
    const ok = signedHeaderAt(3);
    ok.commit.signatures[1] = absent();
    verifyCometCommit(ok, validatorsAt(3), CHAIN_ID);
    // After the change (power 5 absent already), also without the 30: 70 of 105 is exactly 2/3, not enough.
    const edge = signedHeaderAt(CHANGED + 1);
    edge.commit.signatures[1] = absent();
    fails(
      LightErrors.insufficientPower,
      () => verifyCometCommit(edge, validatorsAt(CHANGED + 1), CHAIN_ID),
      /70 of 105/,
    );
  });

  it("nil votes do not count towards 2/3", () => {
    const sh = signedHeaderAt(3);
    const sig = sh.commit.signatures[0] as CometCommitSig;
    sh.commit.signatures[0] = { ...sig, flag: CometBlockIdFlag.Nil };
    fails(LightErrors.insufficientPower, () => verifyCometCommit(sh, validatorsAt(3), CHAIN_ID));
  });

  it("exactly 2/3 is not enough, a hair more is (synthetic signers)", () => {
    const signers = testSigners([1n, 1n, 1n]);
    const header = syntheticHeader(signers);
    const set = signers.map((s) => s.validator);
    fails(LightErrors.insufficientPower, () =>
      verifyCometCommit(signHeader(header, signers, { absent: [2] }), set, CHAIN_ID),
    );
    verifyCometCommit(signHeader(header, signers), set, CHAIN_ID);
    const weighted = testSigners([2n, 1n, 1n, 1n, 1n, 1n], "weighted"); // total 7: 5 > 14/3
    const wh = syntheticHeader(weighted);
    const ws = weighted.map((s) => s.validator);
    verifyCometCommit(signHeader(wh, weighted, { absent: [4, 5] }), ws, CHAIN_ID);
    fails(LightErrors.insufficientPower, () =>
      verifyCometCommit(signHeader(wh, weighted, { absent: [0, 5] }), ws, CHAIN_ID),
    );
  });

  it("a wrong chain id: light.wrong_chain", () => {
    fails(LightErrors.wrongChain, () => verifyCometCommit(signedHeaderAt(3), validatorsAt(3), "urbis-mainnet"));
    fails(LightErrors.wrongChain, () =>
      verifyCometHeader(signedHeaderAt(3), { chainId: "urbis-mainnet", trustedValidators: genesisValidators() }),
    );
    // Relabelled header: the hash no longer matches, and signatures are over the real chain id.
    const sh = signedHeaderAt(3);
    sh.header.chainId = "urbis-mainnet";
    fails(LightErrors.headerHashMismatch, () => verifyCometCommit(sh, validatorsAt(3), "urbis-mainnet"));
  });

  it("a validator set not matching validators_hash: light.validators_mismatch", () => {
    fails(LightErrors.validatorsMismatch, () => verifyCometCommit(signedHeaderAt(3), validatorsAt(CHANGED), CHAIN_ID));
    const reordered = [...validatorsAt(3).validators].reverse();
    fails(LightErrors.validatorsMismatch, () => verifyCometCommit(signedHeaderAt(3), reordered, CHAIN_ID));
    const repowered = validatorsAt(3).validators.map((v, i) => (i === 3 ? { ...v, votingPower: 11n } : v));
    fails(LightErrors.validatorsMismatch, () => verifyCometCommit(signedHeaderAt(3), repowered, CHAIN_ID));
    // The set changed since the trusted one and the caller passed none, or a wrong one.
    const trustedValidators = genesisValidators();
    fails(LightErrors.validatorsMismatch, () =>
      verifyCometHeader(signedHeaderAt(CHANGED), { chainId: CHAIN_ID, trustedValidators }),
    );
    fails(LightErrors.validatorsMismatch, () =>
      verifyCometHeader(signedHeaderAt(CHANGED), { chainId: CHAIN_ID, trustedValidators, validators: validatorsAt(3) }),
    );
    fails(LightErrors.validatorsMismatch, () =>
      verifyCometHeader(signedHeaderAt(3), { chainId: CHAIN_ID, trustedValidators, validators: validatorsAt(CHANGED) }),
    );
  });

  it("signatures not lined up with the set: light.signers_mismatch", () => {
    const missing = signedHeaderAt(3);
    missing.commit.signatures.pop();
    fails(
      LightErrors.signersMismatch,
      () => verifyCometCommit(missing, validatorsAt(3), CHAIN_ID),
      /3 signatures for 4/,
    );
    const swapped = signedHeaderAt(3);
    const [a, b] = swapped.commit.signatures as [CometCommitSig, CometCommitSig];
    swapped.commit.signatures[0] = b;
    swapped.commit.signatures[1] = a;
    fails(
      LightErrors.signersMismatch,
      () => verifyCometCommit(swapped, validatorsAt(3), CHAIN_ID),
      /signature 0 is by/,
    );
  });

  it("a trusted validator signing twice: light.signers_mismatch", () => {
    const sh = signedHeaderAt(CHANGED);
    sh.commit.signatures[4] = sh.commit.signatures[0] as CometCommitSig;
    fails(LightErrors.signersMismatch, () => verifyCometCommitTrusting(sh, genesisValidators(), CHAIN_ID), /twice/);
  });
});

describe("trusting a changed validator set (skipping verification)", () => {
  const real = (power: bigint): CometValidator => {
    const v = genesisValidators().validators.find((x) => x.votingPower === power);
    assert.ok(v);
    return v;
  };
  const strangers = (powers: bigint[]) => testSigners(powers, "stranger").map((s) => s.validator);

  it("a trusted set with no overlap: light.untrusted_validators", () => {
    const trustedValidators = strangers([10n, 10n, 10n, 10n]);
    fails(
      LightErrors.untrustedValidators,
      () =>
        verifyCometHeader(signedHeaderAt(CHANGED), {
          chainId: CHAIN_ID,
          trustedValidators,
          validators: validatorsAt(CHANGED),
        }),
      /0 of 40/,
    );
    // Any header whose set is not the trusted one takes the skipping path, however honest its set.
    fails(LightErrors.untrustedValidators, () =>
      verifyCometHeader(signedHeaderAt(3), { chainId: CHAIN_ID, trustedValidators, validators: validatorsAt(3) }),
    );
  });

  it("exactly 1/3 of the trusted power is not enough; more is", () => {
    const validators = validatorsAt(CHANGED);
    // The real 10-power validator signed; with 20 strange power it holds exactly 1/3 of 30.
    const third = sortedSet([real(10n), ...strangers([20n])]);
    fails(
      LightErrors.untrustedValidators,
      () => verifyCometHeader(signedHeaderAt(CHANGED), { chainId: CHAIN_ID, trustedValidators: third, validators }),
      /10 of 30/,
    );
    const more = sortedSet([real(10n), ...strangers([19n])]);
    verifyCometHeader(signedHeaderAt(CHANGED), { chainId: CHAIN_ID, trustedValidators: more, validators });
    // A higher trust level asks for more.
    fails(LightErrors.untrustedValidators, () =>
      verifyCometHeader(signedHeaderAt(CHANGED), {
        chainId: CHAIN_ID,
        trustedValidators: more,
        validators,
        trustLevel: { numerator: 1n, denominator: 2n },
      }),
    );
  });

  it("trusted validators that did not sign add nothing", () => {
    // The offline validator (power 5) is trusted alone: it never signs.
    const offline = validatorsAt(CHANGED).validators.find((v) => v.votingPower === 5n) as CometValidator;
    fails(LightErrors.untrustedValidators, () =>
      verifyCometCommitTrusting(signedHeaderAt(CHANGED), [offline], CHAIN_ID),
    );
    verifyCometCommitTrusting(signedHeaderAt(CHANGED), sortedSet([offline, real(10n)]), CHAIN_ID);
  });

  it("the new set must still hold more than 2/3", () => {
    const sh = signedHeaderAt(CHANGED);
    sh.commit.signatures[0] = absent(); // drop the 40: 60 of 105 left
    fails(LightErrors.insufficientPower, () =>
      verifyCometHeader(sh, {
        chainId: CHAIN_ID,
        trustedValidators: genesisValidators(),
        validators: validatorsAt(CHANGED),
      }),
    );
  });

  it("rejects trust levels outside [1/3, 1]", () => {
    for (const trustLevel of [
      { numerator: 1n, denominator: 4n },
      { numerator: 4n, denominator: 3n },
      { numerator: 1n, denominator: 0n },
    ]) {
      assert.throws(
        () =>
          verifyCometHeader(signedHeaderAt(3), {
            chainId: CHAIN_ID,
            trustedValidators: genesisValidators(),
            trustLevel,
          }),
        RangeError,
      );
    }
  });

  it("checkCometSignedHeader returns the block hash", () => {
    const sh = signedHeaderAt(2);
    assert.equal(toHex(checkCometSignedHeader(sh, CHAIN_ID)), toHex(sh.commit.blockId.hash));
  });
});

function sortedSet(vals: CometValidator[]): CometValidator[] {
  return [...vals].sort((a, b) => (a.votingPower === b.votingPower ? 0 : a.votingPower > b.votingPower ? -1 : 1));
}
