import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { concatBytes, fromHex, toHex, UrbisError } from "@urbis/protocol";
import { Request, type Response } from "cosmjs-types/tendermint/abci/types";
import fc from "fast-check";
import { AbciErrors } from "./errors.js";
import {
  DEFAULT_MAX_FRAME_BYTES,
  encodeFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  encodeUvarint,
  FrameDecoder,
  requestDecoder,
  responseDecoder,
} from "./framing.js";

/** Every frame body the decoder yields for `chunks`. */
function decodeFrames(chunks: Uint8Array[], max?: number): Uint8Array[] {
  const d = new FrameDecoder(max === undefined ? {} : { maxFrameBytes: max });
  const out: Uint8Array[] = [];
  for (const c of chunks) d.push(c, (f) => out.push(Uint8Array.from(f)));
  assert.equal(d.midFrame, false, "stream ended mid-frame");
  return out;
}

function decodeRequests(chunks: Uint8Array[]): Request[] {
  const d = requestDecoder();
  const out: Request[] = [];
  for (const c of chunks) d.push(c, (r) => out.push(r));
  return out;
}

/** Splits `b` at the given offsets (sorted, deduplicated, within 0..b.length). */
function splitAt(b: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.min(Math.max(c, 0), b.length)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, b.length]) {
    out.push(b.subarray(prev, p));
    prev = p;
  }
  return out;
}

function isAbci(def: { is(e: unknown): boolean }) {
  return (e: unknown) => {
    assert.ok(def.is(e), `unexpected error ${String(e)}`);
    return true;
  };
}

// Golden frames, derived by hand from the protobuf schema (tendermint/abci/types.proto):
// Request.echo is field 1 and Request.flush field 2 (wire type 2, so tags 0x0a and 0x12);
// RequestEcho.message is field 1 (tag 0x0a). Response.info is field 4 (tag 0x22); ResponseInfo has
// data = 1 (0x0a), version = 2 (0x12), app_version = 3 (varint, 0x18), last_block_height = 4 (0x20),
// last_block_app_hash = 5 (0x2a). A frame is the body's length as a uvarint, then the body.
const ECHO_HI = "06" + "0a04" + "0a026869"; // len 6 | echo{len 4 | message{len 2 | "hi"}}
const FLUSH = "02" + "1200"; // len 2 | flush{len 0}
const INFO =
  "18" + // 24-byte body
  "2216" + // info, 22 bytes
  "0a05" +
  "7572626973" + // data "urbis"
  "1205" +
  "302e312e30" + // version "0.1.0"
  "1801" + // app_version 1
  "2005" + // last_block_height 5
  "2a02abcd"; // last_block_app_hash ab cd

describe("ABCI framing: golden bytes", () => {
  it("encodes uvarints (unsigned, not zigzag)", () => {
    assert.equal(toHex(encodeUvarint(0)), "00");
    assert.equal(toHex(encodeUvarint(1)), "01");
    assert.equal(toHex(encodeUvarint(127)), "7f");
    assert.equal(toHex(encodeUvarint(128)), "8001");
    assert.equal(toHex(encodeUvarint(300)), "ac02");
    assert.equal(toHex(encodeUvarint(2 ** 32)), "8080808010");
    assert.equal(toHex(encodeUvarint(Number.MAX_SAFE_INTEGER)), "ffffffffffffff0f");
    assert.throws(() => encodeUvarint(-1), RangeError);
    assert.throws(() => encodeUvarint(1.5), RangeError);
  });

  it("frames Request{echo}, Request{flush} and Response{info} byte for byte", () => {
    assert.equal(toHex(encodeRequestFrame({ echo: { message: "hi" } })), ECHO_HI);
    assert.equal(toHex(encodeRequestFrame({ flush: {} })), FLUSH);
    const info: Response = {
      info: { data: "urbis", version: "0.1.0", appVersion: 1n, lastBlockHeight: 5n, lastBlockAppHash: fromHex("abcd") },
    };
    assert.equal(toHex(encodeResponseFrame(info)), INFO);
  });

  it("uses a two-byte length prefix from 128 bytes on", () => {
    // echo message of 200 bytes: RequestEcho = 0a c801 + 200 (203 bytes); Request = 0a cb01 + 203 (206 = ce01).
    const frame = encodeRequestFrame({ echo: { message: "a".repeat(200) } });
    assert.equal(toHex(frame.subarray(0, 7)), "ce010acb010ac8");
    assert.equal(frame.length, 2 + 206);
  });

  it("decodes the golden frames back", () => {
    const reqs = decodeRequests([fromHex(ECHO_HI + FLUSH)]);
    assert.equal(reqs.length, 2);
    assert.equal(reqs[0]?.echo?.message, "hi");
    assert.deepEqual(reqs[1]?.flush, {});
    const d = responseDecoder();
    const res: Response[] = [];
    d.push(fromHex(INFO), (r) => res.push(r));
    assert.equal(res[0]?.info?.data, "urbis");
    assert.equal(res[0]?.info?.lastBlockHeight, 5n);
    assert.equal(toHex(res[0]?.info?.lastBlockAppHash ?? new Uint8Array()), "abcd");
  });

  it("a zero-length frame is an empty message", () => {
    const reqs = decodeRequests([fromHex(`00${FLUSH}`)]);
    assert.equal(reqs.length, 2);
    assert.deepEqual(
      Object.values(reqs[0]!).filter((v) => v !== undefined),
      [],
    );
    assert.deepEqual(reqs[1]?.flush, {});
  });
});

describe("ABCI framing: chunking", () => {
  const stream = fromHex(ECHO_HI + FLUSH + INFO); // three frames
  const bodies = [fromHex(ECHO_HI).subarray(1), fromHex(FLUSH).subarray(1), fromHex(INFO).subarray(1)];

  it("decodes a stream split at every single point", () => {
    for (let i = 0; i <= stream.length; i++) {
      assert.deepEqual(decodeFrames(splitAt(stream, [i])), bodies, `split at ${i}`);
    }
  });

  it("decodes a stream fed one byte at a time, including a multi-byte length prefix", () => {
    const big = encodeFrame(new Uint8Array(70_000).fill(7)); // 3-byte prefix
    const all = concatBytes(stream, big, stream);
    const oneByOne = Array.from(all, (b) => Uint8Array.of(b));
    const out = decodeFrames(oneByOne);
    assert.equal(out.length, 7);
    assert.deepEqual(out[3], new Uint8Array(70_000).fill(7));
    assert.deepEqual(out.slice(4), bodies);
  });

  it("decodes many frames coalesced in one chunk", () => {
    const frames = Array.from({ length: 1000 }, (_, i) => encodeRequestFrame({ echo: { message: `m${i}` } }));
    const reqs = decodeRequests([concatBytes(...frames)]);
    assert.deepEqual(
      reqs.map((r) => r.echo?.message),
      frames.map((_, i) => `m${i}`),
    );
  });

  it("hands out a frame inside one chunk without copying", () => {
    const chunk = concatBytes(fromHex(ECHO_HI), fromHex(FLUSH));
    const d = new FrameDecoder();
    const seen: Uint8Array[] = [];
    d.push(chunk, (f) => seen.push(f));
    assert.equal(seen[0]?.buffer, chunk.buffer);
  });

  it("decodes a 64 MiB frame in 1 KiB chunks in linear time", () => {
    const size = 64 * 1024 * 1024;
    const body = new Uint8Array(size);
    for (let i = 0; i < size; i += 4096) body[i] = i & 0xff;
    const frame = encodeFrame(body);
    const started = performance.now();
    const d = new FrameDecoder();
    let got: Uint8Array | undefined;
    for (let i = 0; i < frame.length; i += 1024) {
      d.push(frame.subarray(i, i + 1024), (f) => {
        got = f;
      });
    }
    const ms = performance.now() - started;
    assert.ok(got);
    assert.equal(got.length, size);
    assert.ok(Buffer.from(got).equals(Buffer.from(body)));
    // 65 536 pushes; a decoder that re-copied what it holds on each push would move ~2 TB here.
    assert.ok(ms < 5000, `took ${ms} ms`);
  });

  it("decodes a multi-MB Request{finalizeBlock} split in socket-sized chunks", () => {
    const txs = Array.from({ length: 5000 }, (_, i) => new Uint8Array(1000).fill(i & 0xff));
    const frame = encodeRequestFrame({
      finalizeBlock: {
        txs,
        decidedLastCommit: { round: 0, votes: [] },
        misbehavior: [],
        hash: new Uint8Array(32),
        height: 7n,
        time: { seconds: 1n, nanos: 0 },
        nextValidatorsHash: new Uint8Array(32),
        proposerAddress: new Uint8Array(20),
      },
    });
    assert.ok(frame.length > 5_000_000);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < frame.length; i += 65_536) chunks.push(frame.subarray(i, i + 65_536));
    const [req] = decodeRequests(chunks);
    assert.equal(req?.finalizeBlock?.height, 7n);
    assert.equal(req?.finalizeBlock?.txs.length, 5000);
    assert.deepEqual(req?.finalizeBlock?.txs[4999], txs[4999]);
  });

  it("property: any frames split at any points decode to the same frames", () => {
    const body = fc.oneof(
      { weight: 4, arbitrary: fc.uint8Array({ maxLength: 40 }) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 100, maxLength: 20_000 }) },
    );
    fc.assert(
      fc.property(fc.array(body, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 30 }), (frames, cuts) => {
        const all = concatBytes(...frames.map(encodeFrame));
        const out = decodeFrames(
          splitAt(
            all,
            cuts.map((c) => (all.length === 0 ? 0 : c % (all.length + 1))),
          ),
        );
        assert.deepEqual(out, frames);
      }),
      { numRuns: 300 },
    );
  });

  it("property: Requests round-trip through frames split anywhere", () => {
    const req = fc.oneof(
      fc.string().map((message): Request => ({ echo: { message } })),
      fc.constant<Request>({ flush: {} }),
      fc
        .record({ tx: fc.uint8Array({ maxLength: 300 }), type: fc.constantFrom(0, 1) })
        .map((checkTx): Request => ({ checkTx })),
    );
    fc.assert(
      fc.property(
        fc.array(req, { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (reqs, cuts) => {
          const all = concatBytes(...reqs.map(encodeRequestFrame));
          const out = decodeRequests(
            splitAt(
              all,
              cuts.map((c) => c % (all.length + 1)),
            ),
          );
          assert.deepEqual(
            out.map((r) => Request.toJSON(r)),
            reqs.map((r) => Request.toJSON(Request.fromPartial(r))),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("ABCI framing: garbage", () => {
  it("rejects a length prefix longer than 10 bytes", () => {
    const d = new FrameDecoder();
    d.push(new Uint8Array(10).fill(0x80), () => assert.fail("no frame expected"));
    assert.equal(d.midFrame, true);
    assert.throws(() => d.push(Uint8Array.of(0x00), () => {}), isAbci(AbciErrors.invalidFrame));
  });

  it("rejects an oversized length as soon as the prefix shows it, before any body arrives", () => {
    const d = new FrameDecoder({ maxFrameBytes: 1000 });
    assert.throws(() => d.push(encodeUvarint(1001), () => {}), isAbci(AbciErrors.frameTooLarge));
    // A huge 10-byte prefix is refused at its second byte already.
    const e = new FrameDecoder();
    assert.throws(() => e.push(fromHex("ffffffffffffffffff01"), () => {}), isAbci(AbciErrors.frameTooLarge));
    assert.equal(DEFAULT_MAX_FRAME_BYTES, 128 * 1024 * 1024);
  });

  it("accepts a frame of exactly the limit", () => {
    assert.equal(decodeFrames([encodeFrame(new Uint8Array(1000))], 1000).length, 1);
    assert.throws(() => decodeFrames([encodeFrame(new Uint8Array(1001))], 1000), isAbci(AbciErrors.frameTooLarge));
  });

  it("rejects undecodable protobuf with a registered error", () => {
    for (const body of ["07", "0a05", "ffffffff", "4a03"]) {
      assert.throws(() => decodeRequests([encodeFrame(fromHex(body))]), isAbci(AbciErrors.undecodableMessage), body);
    }
  });

  it("delivers the frames before the garbage, then stays failed", () => {
    const d = requestDecoder();
    const seen: Request[] = [];
    const bad = concatBytes(fromHex(ECHO_HI), encodeFrame(fromHex("07")), fromHex(FLUSH));
    let first: unknown;
    try {
      d.push(bad, (r) => seen.push(r));
    } catch (e) {
      first = e;
    }
    assert.ok(first instanceof UrbisError && AbciErrors.undecodableMessage.is(first));
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.echo?.message, "hi");
    assert.throws(
      () => d.push(fromHex(FLUSH), () => {}),
      (e) => e === first,
    );
  });

  it("refuses nonsensical limits", () => {
    assert.throws(() => new FrameDecoder({ maxFrameBytes: 0 }), RangeError);
    assert.throws(() => new FrameDecoder({ maxFrameBytes: 1.5 }), RangeError);
  });
});
