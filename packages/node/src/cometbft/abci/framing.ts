/**
 * CometBFT's ABCI socket framing: every Request and Response travels as an
 * unsigned protobuf varint (uvarint, not zigzag) holding the message's length,
 * followed by that many bytes of the protobuf message.
 *
 * The decoder is incremental: it takes the socket's chunks as they come (a
 * frame split anywhere, even inside its length prefix, or many frames in one
 * chunk) and copies each byte at most once, so a FinalizeBlock of many
 * megabytes arriving in 64 KiB reads costs linear time. A frame that lies
 * inside one chunk is handed out as a view of that chunk without copying.
 */
import { Buffer } from "node:buffer";
import type { UrbisError } from "@urbis/protocol";
import { Request, Response } from "cosmjs-types/tendermint/abci/types";
import { AbciErrors } from "./errors.js";

/**
 * Default largest frame accepted: 128 MiB. CometBFT caps a block at 100 MiB
 * (`MaxBlockSizeBytes`), and the largest requests (PrepareProposal,
 * ProcessProposal, FinalizeBlock) carry the block's transactions plus their
 * per-transaction framing, the last commit's votes (with vote extensions in
 * PrepareProposal) and evidence; 128 MiB leaves room for that overhead above
 * any legal block while still bounding what one bad or hostile peer can make
 * the server buffer (one frame at a time per connection).
 */
export const DEFAULT_MAX_FRAME_BYTES = 128 * 1024 * 1024;

/** A uvarint of a 64-bit value takes at most 10 bytes. */
const MAX_VARINT_BYTES = 10;

/** The uvarint encoding of a non-negative safe integer. */
export function encodeUvarint(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`uvarint of ${n}: not a non-negative safe integer`);
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** One frame: the uvarint length of `body`, then `body`. */
export function encodeFrame(body: Uint8Array): Uint8Array {
  const prefix = encodeUvarint(body.length);
  const out = Buffer.allocUnsafe(prefix.length + body.length);
  out.set(prefix, 0);
  out.set(body, prefix.length);
  return out;
}

/** The frame of an ABCI Request. */
export function encodeRequestFrame(req: Request): Uint8Array {
  return encodeFrame(Request.encode(req).finish());
}

/** The frame of an ABCI Response. */
export function encodeResponseFrame(res: Response): Uint8Array {
  return encodeFrame(Response.encode(res).finish());
}

/** Options of the decoders. */
export interface FrameDecoderOptions {
  /** Largest frame body accepted, in bytes. Default {@link DEFAULT_MAX_FRAME_BYTES}. */
  maxFrameBytes?: number;
}

/**
 * Splits a byte stream into frame bodies. Feed it chunks with {@link push};
 * it calls back once per complete frame, in order.
 *
 * A body may be a view into a chunk given to `push`, so callers must not
 * modify chunks after pushing them (socket chunks are never reused, so the
 * server need not copy). After any error (a malformed or oversized length, or
 * an exception thrown by the callback) the decoder is failed for good: every
 * later `push` throws the same error, since the stream cannot be resynchronised.
 */
export class FrameDecoder {
  readonly maxFrameBytes: number;
  /** Length prefix being read: its value so far and how many of its bytes were seen. */
  private varintValue = 0;
  private varintBytes = 0;
  /** Length of the body being read, or -1 while reading a length prefix. */
  private bodyLength = -1;
  /** Pieces of a body that spans chunks, and their total length. */
  private parts: Uint8Array[] = [];
  private partsLength = 0;
  private failure: unknown;
  private hasFailed = false;

  constructor(opts: FrameDecoderOptions = {}) {
    const max = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isSafeInteger(max) || max < 1 || max > 2 ** 32) {
      throw new RangeError(`maxFrameBytes must be an integer in 1..2^32, got ${max}`);
    }
    this.maxFrameBytes = max;
  }

  /** Bytes held for the frame being read (its prefix and body so far). */
  get buffered(): number {
    return this.varintBytes + this.partsLength;
  }

  /** Whether a frame has started but not finished (the stream ended mid-frame if this holds at its end). */
  get midFrame(): boolean {
    return this.varintBytes > 0 || this.bodyLength >= 0;
  }

  /** The error that failed the decoder, if one did. */
  get error(): unknown {
    return this.failure;
  }

  /** Consumes `chunk`, calling `onFrame` for each frame it completes; throws on a malformed stream. */
  push(chunk: Uint8Array, onFrame: (body: Uint8Array) => void): void {
    if (this.hasFailed) throw this.failure;
    try {
      this.consume(chunk, onFrame);
    } catch (e) {
      this.hasFailed = true;
      this.failure = e;
      this.parts = [];
      this.partsLength = 0;
      throw e;
    }
  }

  private consume(chunk: Uint8Array, onFrame: (body: Uint8Array) => void): void {
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      if (this.bodyLength < 0) {
        // Length prefix, byte by byte (it may be split across chunks).
        if (this.varintBytes === MAX_VARINT_BYTES) throw this.badVarint();
        const b = chunk[pos++]!;
        this.varintValue += (b & 0x7f) * 2 ** (7 * this.varintBytes);
        this.varintBytes++;
        if (this.varintValue > this.maxFrameBytes) throw this.tooLarge(b);
        if (b & 0x80) continue;
        this.bodyLength = this.varintValue;
        this.varintValue = 0;
        this.varintBytes = 0;
        if (this.bodyLength === 0) {
          this.bodyLength = -1;
          onFrame(new Uint8Array(0));
        }
        continue;
      }
      const missing = this.bodyLength - this.partsLength;
      const avail = end - pos;
      if (this.partsLength === 0 && avail >= missing) {
        // The whole body is in this chunk: a view, no copy.
        const body = chunk.subarray(pos, pos + missing);
        pos += missing;
        this.bodyLength = -1;
        onFrame(body);
        continue;
      }
      const take = Math.min(avail, missing);
      this.parts.push(chunk.subarray(pos, pos + take));
      this.partsLength += take;
      pos += take;
      if (this.partsLength === this.bodyLength) {
        const body = Buffer.concat(this.parts, this.partsLength);
        this.parts = [];
        this.partsLength = 0;
        this.bodyLength = -1;
        onFrame(body);
      }
    }
  }

  private badVarint(): UrbisError {
    return AbciErrors.invalidFrame.create(`frame length prefix is longer than ${MAX_VARINT_BYTES} bytes`);
  }

  private tooLarge(lastByte: number): UrbisError {
    const more = lastByte & 0x80 ? " or more" : "";
    return AbciErrors.frameTooLarge.create(
      `frame length ${this.varintValue}${more} exceeds the limit of ${this.maxFrameBytes} bytes`,
      { limit: this.maxFrameBytes },
    );
  }
}

/**
 * A {@link FrameDecoder} that also decodes each frame as a protobuf message
 * (ABCI Requests on the server, Responses in a client). A frame that does not
 * decode fails the decoder with `abci.undecodable_message`.
 */
export class MessageDecoder<T> {
  private readonly frames: FrameDecoder;

  constructor(
    private readonly decode: (bytes: Uint8Array) => T,
    opts: FrameDecoderOptions = {},
  ) {
    this.frames = new FrameDecoder(opts);
  }

  /** See {@link FrameDecoder.buffered}. */
  get buffered(): number {
    return this.frames.buffered;
  }

  /** See {@link FrameDecoder.midFrame}. */
  get midFrame(): boolean {
    return this.frames.midFrame;
  }

  /** Consumes `chunk`, calling `onMessage` for each message it completes (with its body size); throws on garbage. */
  push(chunk: Uint8Array, onMessage: (msg: T, bytes: number) => void): void {
    this.frames.push(chunk, (body) => {
      let msg: T;
      try {
        msg = this.decode(body);
      } catch (e) {
        throw AbciErrors.undecodableMessage.create(
          `a ${body.length}-byte frame does not decode: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      onMessage(msg, body.length);
    });
  }
}

/** A decoder of ABCI Request frames (the server's side). */
export function requestDecoder(opts: FrameDecoderOptions = {}): MessageDecoder<Request> {
  return new MessageDecoder((b) => Request.decode(b), opts);
}

/** A decoder of ABCI Response frames (a client's side). */
export function responseDecoder(opts: FrameDecoderOptions = {}): MessageDecoder<Response> {
  return new MessageDecoder((b) => Response.decode(b), opts);
}
