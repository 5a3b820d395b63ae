/**
 * DID keeper: the registry of `did:urbis` documents and their full history.
 *
 * Authorization is by key, not by account: a change is accepted when the
 * transaction's public key (`ctx.signerKey`) is an authentication key of an
 * effective controller — the DID's `controllers` when it lists any (each one
 * registered and not deactivated), otherwise the DID itself. Control is one
 * level deep: a controller's own controllers do not control this DID. A
 * message run by governance carries no key, so governance controls no DID.
 *
 * Every version (the current one included) is kept under its history key, so
 * any version can be resolved, and proven, later. Every mutator checks all its
 * rules before its first write, so a refusal leaves the store untouched.
 */
import {
  type BlockStamp,
  bytesEqual,
  type CreateDidMsg,
  createdDidContent,
  DID_DOCUMENT_PREFIX,
  DidErrors,
  type DidRecord,
  type DidVersionSelector,
  decode,
  didDocumentKey,
  didHistoryKey,
  didHistoryPrefix,
  didOf,
  didRecordCodec,
  didVersionExistedAt,
  encode,
  InvariantViolation,
  isAuthenticationKey,
  MAX_DID_VERSION,
  prefixEnd,
  type UpdateDidMsg,
  updatedDidContent,
  validateCreateDidMsg,
  validateUpdateDidMsg,
  validateUrbisDid,
} from "@urbis/protocol";
import type { BlockInfo } from "../../framework/context.js";
import type { KVRead, KVStore } from "../../framework/store.js";

/** A resolved version, with the one after it when it is not the latest. */
export interface ResolvedDidVersion {
  record: DidRecord;
  next?: DidRecord;
}

/** What a change did: the new version and the DID whose key authorized it. */
export interface DidChange {
  record: DidRecord;
  /** The DID (this one or a controller) one of whose authentication keys signed the transaction. */
  authorizedBy: string;
}

/** What other modules may read of the DID registry. */
export interface DidView {
  /** The current version of `did`, or undefined (fails with `did.invalid_did` for a malformed DID). */
  get(store: KVRead, did: string): DidRecord | undefined;
  /** Version `version` of `did`, or undefined. */
  version(store: KVRead, did: string, version: number): DidRecord | undefined;
  /** The current version; fails with `did.invalid_did` or `did.not_found`. */
  require(store: KVRead, did: string): DidRecord;
  /** Up to `limit` versions from `fromVersion` on, in order. */
  history(store: KVRead, did: string, fromVersion?: number, limit?: number): DidRecord[];
  /**
   * The version a resolution selects: the latest, the one numbered
   * `versionId`, or the latest that existed at `versionTimeMs`. Fails with
   * `did.invalid_did`, `did.not_found` or `did.version_not_found`.
   */
  resolve(store: KVRead, did: string, selector?: DidVersionSelector): ResolvedDidVersion;
  /** Whether `key` is an authentication key of `did`, which is registered and not deactivated. */
  isActiveAuthenticationKey(store: KVRead, did: string, key: Uint8Array): boolean;
  /** Whether a transaction signed with `key` may update or deactivate `did` now. */
  controls(store: KVRead, did: string, key: Uint8Array): boolean;
  /** Every current record, in id byte order. */
  records(store: KVRead): Iterable<DidRecord>;
}

const stamp = (b: BlockInfo): BlockStamp => ({ height: b.height, timeMs: b.timeMs });

/** DID keeper: the only code that writes DID state. */
export class DidKeeper implements DidView {
  get(store: KVRead, did: string): DidRecord | undefined {
    const raw = store.get(didDocumentKey(did));
    return raw ? decode(didRecordCodec, raw) : undefined;
  }

  version(store: KVRead, did: string, version: number): DidRecord | undefined {
    if (!Number.isInteger(version) || version < 1 || version > MAX_DID_VERSION) return undefined;
    const raw = store.get(didHistoryKey(did, version));
    return raw ? decode(didRecordCodec, raw) : undefined;
  }

  require(store: KVRead, did: string): DidRecord {
    const r = this.get(store, did);
    if (!r) throw DidErrors.notFound.create(`no DID ${did} is registered`, { did });
    return r;
  }

  history(store: KVRead, did: string, fromVersion = 1, limit = 100): DidRecord[] {
    const prefix = didHistoryPrefix(did);
    const start = fromVersion > 1 ? didHistoryKey(did, Math.min(fromVersion, MAX_DID_VERSION)) : prefix;
    const out: DidRecord[] = [];
    if (limit <= 0) return out;
    for (const [, v] of store.iterate(start, prefixEnd(prefix))) {
      out.push(decode(didRecordCodec, v));
      if (out.length >= limit) break;
    }
    return out;
  }

  resolve(store: KVRead, did: string, selector: DidVersionSelector = {}): ResolvedDidVersion {
    const current = this.require(store, did);
    const pick = (v: number): ResolvedDidVersion => {
      if (v === current.version) return { record: current };
      const record = this.mustVersion(store, did, v);
      const next = v + 1 === current.version ? current : this.mustVersion(store, did, v + 1);
      return { record, next };
    };
    if (selector.versionId !== undefined) {
      if (selector.versionId > current.version) {
        throw DidErrors.versionNotFound.create(
          `${did} has versions 1 to ${current.version}, not ${selector.versionId}`,
          {
            did,
            latestVersion: current.version,
          },
        );
      }
      return pick(selector.versionId);
    }
    const t = selector.versionTimeMs;
    if (t === undefined || didVersionExistedAt(current, t)) return { record: current };
    // Versions are made in block order, so "existed at t" holds for a prefix of 1..n: binary search it.
    if (!didVersionExistedAt(this.mustVersion(store, did, 1), t)) {
      throw DidErrors.versionNotFound.create(`${did} did not exist yet at that time`, { did });
    }
    let lo = 1; // existed at t
    let hi = current.version; // did not
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (didVersionExistedAt(this.mustVersion(store, did, mid), t)) lo = mid;
      else hi = mid;
    }
    return pick(lo);
  }

  isActiveAuthenticationKey(store: KVRead, did: string, key: Uint8Array): boolean {
    const r = this.get(store, did);
    return r !== undefined && !r.deactivated && isAuthenticationKey(r, key);
  }

  controls(store: KVRead, did: string, key: Uint8Array): boolean {
    const r = this.get(store, did);
    return r !== undefined && !r.deactivated && this.controllerWithKey(store, r, key) !== undefined;
  }

  *records(store: KVRead): Iterable<DidRecord> {
    for (const [, v] of store.iterate(DID_DOCUMENT_PREFIX, prefixEnd(DID_DOCUMENT_PREFIX))) {
      yield decode(didRecordCodec, v);
    }
  }

  /**
   * Registers the DID of `m.publicKey` in `block`. Authorized when
   * `signerKey` is `m.publicKey` itself (proof of possession through the
   * transaction signature) or an authentication key of one of the listed
   * controllers. Fails with the stateless `did.*` errors, `did.exists`,
   * `did.unknown_controller`, `did.controller_deactivated` or `did.not_controller`.
   */
  create(store: KVStore, block: BlockInfo, signerKey: Uint8Array | undefined, m: CreateDidMsg): DidChange {
    validateCreateDidMsg(m);
    const did = didOf(m.publicKey);
    if (this.get(store, did)) throw DidErrors.exists.create(`${did} is already registered`, { did });
    this.checkControllers(store, did, m.controllers);
    let authorizedBy: string | undefined;
    if (signerKey !== undefined && bytesEqual(signerKey, m.publicKey)) authorizedBy = did;
    else if (signerKey !== undefined) {
      authorizedBy = m.controllers.find((c) => c !== did && this.isActiveAuthenticationKey(store, c, signerKey));
    }
    if (authorizedBy === undefined) {
      throw DidErrors.notController.create(
        signerKey === undefined
          ? "a message run without a key (by governance) cannot create a DID"
          : `creating ${did} needs a transaction signed with its key or with an authentication key of a listed controller`,
        { did },
      );
    }
    const record: DidRecord = {
      id: did,
      kind: m.kind,
      ...createdDidContent(m),
      version: 1,
      created: stamp(block),
      updated: stamp(block),
      deactivated: false,
    };
    this.write(store, record);
    return { record, authorizedBy };
  }

  /**
   * Replaces the content of `m.did` with the message's, as version
   * `m.expectedVersion + 1`. Fails with the stateless `did.*` errors,
   * `did.not_found`, `did.deactivated`, `did.not_controller`,
   * `did.version_mismatch`, `did.version_limit`, `did.unknown_controller` or
   * `did.controller_deactivated`.
   */
  update(store: KVStore, block: BlockInfo, signerKey: Uint8Array | undefined, m: UpdateDidMsg): DidChange {
    validateUpdateDidMsg(m);
    const current = this.requireActive(store, m.did);
    const authorizedBy = this.authorize(store, current, signerKey, "update");
    if (m.expectedVersion !== current.version) {
      throw DidErrors.versionMismatch.create(
        `${m.did} is at version ${current.version}, the update expected ${m.expectedVersion}`,
        { did: m.did, version: current.version, expectedVersion: m.expectedVersion },
      );
    }
    this.checkVersionRoom(current);
    this.checkControllers(store, m.did, m.controllers);
    const record: DidRecord = {
      ...current,
      ...updatedDidContent(m),
      version: current.version + 1,
      updated: stamp(block),
    };
    this.write(store, record);
    return { record, authorizedBy };
  }

  /**
   * Deactivates `did` for good (a new, final version). Fails with
   * `did.invalid_did`, `did.not_found`, `did.deactivated`,
   * `did.not_controller` or `did.version_limit`.
   */
  deactivate(store: KVStore, block: BlockInfo, signerKey: Uint8Array | undefined, did: string): DidChange {
    validateUrbisDid(did);
    const current = this.requireActive(store, did);
    const authorizedBy = this.authorize(store, current, signerKey, "deactivate");
    this.checkVersionRoom(current);
    const record: DidRecord = { ...current, version: current.version + 1, updated: stamp(block), deactivated: true };
    this.write(store, record);
    return { record, authorizedBy };
  }

  /**
   * Writes genesis histories as they are: each list holds versions 1..n of
   * one DID, in order. The caller (genesis parsing) validated them.
   */
  initGenesis(store: KVStore, histories: readonly (readonly DidRecord[])[]): void {
    for (const versions of histories) {
      versions.forEach((r, i) => {
        if (r.version !== i + 1) throw new InvariantViolation(`genesis history of ${r.id} is not consecutive`);
        store.set(didHistoryKey(r.id, r.version), encode(didRecordCodec, r));
      });
      const last = versions[versions.length - 1];
      if (last) store.set(didDocumentKey(last.id), encode(didRecordCodec, last));
    }
  }

  /** The current record, which must not be deactivated. */
  private requireActive(store: KVRead, did: string): DidRecord {
    const r = this.require(store, did);
    if (r.deactivated) {
      throw DidErrors.deactivated.create(`${did} was deactivated at version ${r.version}`, {
        did,
        version: r.version,
      });
    }
    return r;
  }

  /** The controller (or the DID itself) of which `key` is an active authentication key, or undefined. */
  private controllerWithKey(store: KVRead, r: DidRecord, key: Uint8Array): string | undefined {
    const effective = r.controllers.length > 0 ? r.controllers : [r.id];
    return effective.find((c) =>
      c === r.id ? !r.deactivated && isAuthenticationKey(r, key) : this.isActiveAuthenticationKey(store, c, key),
    );
  }

  /** The DID authorizing a change of `r` by `signerKey`; fails with `did.not_controller`. */
  private authorize(store: KVRead, r: DidRecord, signerKey: Uint8Array | undefined, action: string): string {
    const by = signerKey === undefined ? undefined : this.controllerWithKey(store, r, signerKey);
    if (by !== undefined) return by;
    const who = r.controllers.length > 0 ? `its controllers (${r.controllers.join(", ")})` : "the DID itself";
    throw DidErrors.notController.create(
      signerKey === undefined
        ? `a message run without a key (by governance) cannot ${action} ${r.id}`
        : `the transaction's key is not an authentication key of ${who}, so it cannot ${action} ${r.id}`,
      { did: r.id },
    );
  }

  /** Every listed controller is registered and active (`did` itself, being written, counts as both). */
  private checkControllers(store: KVRead, did: string, controllers: readonly string[]): void {
    for (const c of controllers) {
      if (c === did) continue;
      const r = this.get(store, c);
      if (!r) throw DidErrors.unknownController.create(`controller ${c} is not a registered DID`, { controller: c });
      if (r.deactivated) {
        throw DidErrors.controllerDeactivated.create(`controller ${c} is deactivated`, { controller: c });
      }
    }
  }

  private checkVersionRoom(r: DidRecord): void {
    if (r.version >= MAX_DID_VERSION) {
      throw DidErrors.versionLimit.create(`${r.id} is at the last version number ${MAX_DID_VERSION}`, { did: r.id });
    }
  }

  /** A version that must exist: its absence means broken history, not bad input. */
  private mustVersion(store: KVRead, did: string, v: number): DidRecord {
    const r = this.version(store, did, v);
    if (!r) throw new InvariantViolation(`version ${v} of ${did} is missing from its history`);
    return r;
  }

  private write(store: KVStore, r: DidRecord): void {
    const raw = encode(didRecordCodec, r);
    store.set(didDocumentKey(r.id), raw);
    store.set(didHistoryKey(r.id, r.version), raw);
  }
}
