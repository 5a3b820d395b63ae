/**
 * The on-chain facts the record store checks before it hands out a blob: the
 * `health/access` entry that logged the read and the `health/record` entry it
 * names. They come from the health module's queries; {@link RecordAccessLookup}
 * is the seam, so the store depends on the query contract only, not on the
 * module's code.
 */
import { type AccessEntryJson, findError, fromUtf8, type HealthRecordJson, utf8 } from "@urbis/protocol";
import { AppErrors } from "@urbis/state";
import { resultError } from "../api/http-errors.js";
import type { NodeService } from "../service.js";

/** A `health/access` query answer. */
export type HealthAccessEntry = AccessEntryJson;
/** A `health/record` query answer. */
export type HealthRecordEntry = HealthRecordJson;

/** What the record store reads from the chain. */
export interface RecordAccessLookup {
  /** The access entry `id`, or undefined when the chain has none. */
  access(id: string): HealthAccessEntry | undefined;
  /** The record entry `id`, or undefined when the chain has none. */
  record(id: string): HealthRecordEntry | undefined;
  /** Time of the latest committed block, Unix ms. */
  blockTimeMs(): bigint;
}

function isNamed(codespace: string, code: number, id: string): boolean {
  const def = findError(codespace, code);
  return def !== undefined && `${def.codespace}.${def.name}` === id;
}

/**
 * The production lookup: the App's `health/access` and `health/record`
 * queries, run in-process at the latest height (as the REST handlers run
 * module queries). A chain without the health module has no access entries,
 * so every read is refused rather than failing.
 */
export function nodeAccessLookup(node: NodeService): RecordAccessLookup {
  const query = <T>(path: string, id: string, unknownId: string): T | undefined => {
    const r = node.query(path, utf8(JSON.stringify({ id })), 0n, false);
    if (r.code === 0) return JSON.parse(fromUtf8(r.value)) as T;
    if (isNamed(r.codespace, r.code, unknownId)) return undefined;
    if (r.codespace === AppErrors.unknownQuery.codespace && r.code === AppErrors.unknownQuery.code) return undefined;
    throw resultError(r.code, r.codespace, r.log);
  };
  return {
    access: (id) => query<HealthAccessEntry>("/health/access", id, "health.unknown_access"),
    record: (id) => query<HealthRecordEntry>("/health/record", id, "health.unknown_record"),
    blockTimeMs: () => node.status().latestBlockTimeMs,
  };
}
