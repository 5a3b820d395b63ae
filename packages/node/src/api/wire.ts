/**
 * Domain values of the NodeService → JSON wire values of the REST API
 * (bigints as decimal strings, bytes as base64, hashes as hex).
 */

import type {
  BlockJson,
  EventJson,
  StatusJson,
  StreamItemJson,
  SubmitResultJson,
  TxRecordJson,
  TxResultJson,
} from "@urbis/protocol";
import type { Event, TxResult } from "@urbis/state";
import type { BlockRecord, NodeStatus, StreamItem, SubmitResult, TxRecord } from "../service.js";
import { nativeBytesToBase64 } from "./base64.js";

/** An event on the wire (copied, so later mutation of the original cannot leak into a reply). */
export function eventToJson(e: Event): EventJson {
  return { type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value })) };
}

/** A transaction result on the wire. */
export function txResultToJson(r: TxResult): TxResultJson {
  return { code: r.code, codespace: r.codespace, log: r.log, events: r.events.map(eventToJson) };
}

/** A submission's outcome on the wire. */
export function submitResultToJson(r: SubmitResult): SubmitResultJson {
  return {
    hash: r.hash,
    code: r.code,
    codespace: r.codespace,
    log: r.log,
    duplicate: r.duplicate,
    ...(r.height === undefined ? {} : { height: r.height.toString() }),
    ...(r.index === undefined ? {} : { index: r.index }),
    ...(r.events === undefined ? {} : { events: r.events.map(eventToJson) }),
  };
}

/** A committed transaction on the wire. */
export function txRecordToJson(r: TxRecord): TxRecordJson {
  return {
    hash: r.hash,
    height: r.height.toString(),
    index: r.index,
    tx: nativeBytesToBase64(r.tx),
    result: txResultToJson(r.result),
    timeMs: r.timeMs.toString(),
  };
}

/** A block on the wire. */
export function blockToJson(b: BlockRecord): BlockJson {
  const h = b.header;
  return {
    hash: b.hash,
    header: {
      chainId: h.chainId,
      height: h.height.toString(),
      timeMs: h.timeMs.toString(),
      lastBlockHash: h.lastBlockHash,
      appHash: h.appHash,
      dataHash: h.dataHash,
    },
    txs: b.txs.map(nativeBytesToBase64),
    txHashes: [...b.txHashes],
    results: b.results.map(txResultToJson),
    events: b.events.map(eventToJson),
    resultAppHash: b.resultAppHash,
  };
}

/** Node status on the wire. */
export function statusToJson(s: NodeStatus, ready: boolean): StatusJson {
  return {
    chainId: s.chainId,
    engine: s.engine,
    latestHeight: s.latestHeight.toString(),
    latestBlockHash: s.latestBlockHash,
    latestAppHash: s.latestAppHash,
    latestBlockTimeMs: s.latestBlockTimeMs.toString(),
    mempoolSize: s.mempoolSize,
    catchingUp: s.catchingUp,
    ready,
  };
}

/** A stream item on the wire. */
export function streamItemToJson(i: StreamItem): StreamItemJson {
  if (i.kind === "block") {
    return {
      kind: "block",
      cursor: i.cursor,
      height: i.height.toString(),
      hash: i.hash,
      txCount: i.txCount,
      timeMs: i.timeMs.toString(),
    };
  }
  return {
    kind: "event",
    cursor: i.cursor,
    height: i.height.toString(),
    ...(i.txHash === undefined ? {} : { txHash: i.txHash }),
    event: eventToJson(i.event),
  };
}
