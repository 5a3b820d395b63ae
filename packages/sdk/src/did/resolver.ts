/**
 * A `did:urbis` driver for the `did-resolver` package:
 *
 * ```ts
 * const resolver = new Resolver(getUrbisResolver(client));
 * const { didDocument, didDocumentMetadata } = await resolver.resolve("did:urbis:…");
 * ```
 *
 * It does not take the node's word for anything: it reads the DID's stored
 * record (`did/doc/<id>`, and `did/hist/<id>/<version>` for older versions)
 * through `GET /v1/state/{key}?prove=true`, checks each Merkle proof, decodes
 * the record with the protocol codec and builds the document with the same
 * builder the chain's query uses. By default proofs are checked against the
 * app hash the node reports (a node cannot answer inconsistently); pass
 * `verify` built on a light-client header to trust no node at all. Every read
 * of one resolution is made at the same height. Browser-safe.
 */
import {
  buildDidResolutionResult,
  type DidRecord,
  type DidVersionSelector,
  decode,
  didDocumentKey,
  didHistoryKey,
  didRecordCodec,
  didVersionExistedAt,
  isDid,
  parseDidVersionSelector,
  type StateAnswerJson,
  toHex,
  UrbisError,
} from "@urbis/protocol";
import type { DIDResolutionOptions, DIDResolutionResult, DIDResolver, ParsedDID } from "did-resolver";
import type { UrbisClient } from "../client/client.js";
import type { CallOptions } from "../client/http.js";
import { type VerifiedState, verifyStateAnswer } from "../proofs.js";

/** Options of {@link getUrbisResolver}. */
export interface UrbisResolverOptions {
  /**
   * Checks one proven state answer and returns its value. Default:
   * {@link verifyStateAnswer} against the app hash in the answer. To trust no
   * node, check against a verified header instead (e.g. with
   * `verifyStateAnswerWithHeader` of the light client).
   */
  verify?: (keyHex: string, answer: StateAnswerJson) => VerifiedState | Promise<VerifiedState>;
  /** Options of every API call (timeout, abort signal, headers). */
  call?: CallOptions;
}

/** Media types a resolution may be asked for (the method produces JSON-LD). */
const ACCEPTED = ["application/did+ld+json", "application/did+json", "application/json", "application/ld+json", "*/*"];

/** A resolution that failed, in did-resolver's shape. */
function failure(error: string, message: string): DIDResolutionResult {
  return { didResolutionMetadata: { error, message }, didDocument: null, didDocumentMetadata: {} };
}

/** A failure the resolution reports with a W3C error code. */
class ResolutionFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The `versionId` / `versionTime` of the DID URL's query, else of the resolution options. */
function selectorOf(parsed: ParsedDID | undefined, options: DIDResolutionOptions): DidVersionSelector {
  const q = new URLSearchParams(parsed?.query ?? "");
  const pick = (name: string): string | undefined => {
    const v = q.get(name) ?? options[name];
    return v === undefined || v === null ? undefined : String(v);
  };
  try {
    return parseDidVersionSelector({ versionId: pick("versionId"), versionTime: pick("versionTime") });
  } catch (e) {
    if (e instanceof UrbisError) throw new ResolutionFailure("invalidOptions", e.message);
    throw e;
  }
}

/**
 * The did-resolver registry entry for `did:urbis`, reading through `client`:
 * `new Resolver(getUrbisResolver(client))`. Resolution errors are reported in
 * `didResolutionMetadata.error`: `invalidDid`, `notFound` (no such DID, or no
 * such version), `invalidOptions`, `representationNotSupported`, or
 * `internalError` (the node could not be reached, or a proof or record did not
 * check out — the message says which). A deactivated DID resolves to a bare
 * document with `didDocumentMetadata.deactivated: true`.
 */
export function getUrbisResolver(client: UrbisClient, opts: UrbisResolverOptions = {}): { urbis: DIDResolver } {
  const verify = opts.verify ?? ((keyHex: string, answer: StateAnswerJson) => verifyStateAnswer(keyHex, answer));
  const call = opts.call ?? {};

  /** The proven record under `key` at `height` (latest when undefined), checked to be `did`'s `version`. */
  async function read(
    key: Uint8Array,
    did: string,
    version: number | undefined,
    height: string | undefined,
  ): Promise<{ record: DidRecord | undefined; height: string }> {
    const keyHex = toHex(key);
    const answer = await client.state(keyHex, { prove: true, ...(height === undefined ? {} : { height }), ...call });
    const proven = await verify(keyHex, answer);
    if (proven.value === undefined) return { record: undefined, height: proven.height };
    const record = decode(didRecordCodec, proven.value);
    if (record.id !== did || (version !== undefined && record.version !== version)) {
      throw new ResolutionFailure("internalError", `the record proven under ${keyHex} is not ${did}'s`);
    }
    return { record, height: proven.height };
  }

  async function resolveDid(did: string, selector: DidVersionSelector): Promise<DIDResolutionResult> {
    const latest = await read(didDocumentKey(did), did, undefined, undefined);
    const current = latest.record;
    if (!current) return failure("notFound", `${did} is not registered (proven absent at height ${latest.height})`);
    const at = async (v: number): Promise<DidRecord> => {
      if (v === current.version) return current;
      const r = (await read(didHistoryKey(did, v), did, v, latest.height)).record;
      if (!r) throw new ResolutionFailure("internalError", `version ${v} of ${did} is missing from its history`);
      return r;
    };
    const answer = async (v: number) =>
      buildDidResolutionResult(await at(v), v < current.version ? await at(v + 1) : undefined);

    if (selector.versionId !== undefined) {
      if (selector.versionId > current.version) {
        return failure("notFound", `${did} has versions 1 to ${current.version}, not ${selector.versionId}`);
      }
      return answer(selector.versionId);
    }
    const t = selector.versionTimeMs;
    if (t === undefined || didVersionExistedAt(current, t)) return answer(current.version);
    if (!didVersionExistedAt(await at(1), t)) return failure("notFound", `${did} did not exist yet at that time`);
    // Versions are made in block order: binary search the last one that existed at t.
    let lo = 1;
    let hi = current.version;
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (didVersionExistedAt(await at(mid), t)) lo = mid;
      else hi = mid;
    }
    return answer(lo);
  }

  const resolve: DIDResolver = async (did, parsed, _resolver, options) => {
    if (!isDid(did)) return failure("invalidDid", `${did} is not a did:urbis identifier`);
    if (options.accept !== undefined && !ACCEPTED.includes(options.accept)) {
      return failure(
        "representationNotSupported",
        `this method produces application/did+ld+json, not ${options.accept}`,
      );
    }
    try {
      return await resolveDid(did, selectorOf(parsed, options));
    } catch (e) {
      if (e instanceof ResolutionFailure) return failure(e.code, e.message);
      const why = e instanceof UrbisError ? `${e.id}: ${e.message}` : e instanceof Error ? e.message : String(e);
      return failure("internalError", why);
    }
  };
  // did-resolver calls this first: a malformed did:urbis never reaches the network.
  resolve.parser = (parsed) => (isDid(parsed.did) ? parsed : null);
  return { urbis: resolve };
}
