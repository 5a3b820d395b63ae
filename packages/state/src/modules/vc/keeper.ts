/**
 * VC keeper: the trusted issuer registry and the on-chain status lists.
 *
 * Trust entries change only through governance (the handlers' permission
 * says so). A status list belongs to its issuer DID: creating it and setting
 * its bits is authorized by the transaction's key, which must be an
 * authentication key of that DID while it is registered and not deactivated
 * (the DID module's view decides). Revocation is one-way; suspension can be
 * lifted. Every mutator checks its rules before its first write.
 */
import {
  type AddTrustedIssuerMsg,
  type BlockStamp,
  type CreateStatusListMsg,
  DidErrors,
  decode,
  encode,
  getStatusBit,
  prefixEnd,
  type SetStatusMsg,
  type StatusList,
  statusListCodec,
  statusListKey,
  type TrustedIssuer,
  trustedIssuerCodec,
  trustedIssuerKey,
  trustedIssuerTypePrefix,
  VC_LIST_PREFIX,
  VC_TRUST_PREFIX,
  VcErrors,
  validateStatusPurpose,
  withStatusBit,
} from "@urbis/protocol";
import type { BlockInfo } from "../../framework/context.js";
import type { KVRead, KVStore } from "../../framework/store.js";
import type { DidView } from "../did/keeper.js";

/** What other modules may read of the VC registry. */
export interface VcView {
  /** Whether governance trusts `issuerDid` to issue `credentialType` credentials. */
  isTrusted(store: KVRead, credentialType: string, issuerDid: string): boolean;
  /** The trust entries, of one type or of all, in key order. */
  trustedIssuers(store: KVRead, credentialType?: string): TrustedIssuer[];
  /** A status list, or undefined. */
  statusList(store: KVRead, listId: string): StatusList | undefined;
  /** Every status list, in id order. */
  statusLists(store: KVRead): Iterable<StatusList>;
}

/** What a `vc/set_status` did. */
export interface StatusBitChange {
  list: StatusList;
  index: number;
  value: boolean;
  /** False when the bit already had that value (nothing was written). */
  changed: boolean;
}

const stamp = (b: BlockInfo): BlockStamp => ({ height: b.height, timeMs: b.timeMs });

/** VC keeper: the only code that writes VC state. */
export class VcKeeper implements VcView {
  constructor(private readonly dids: DidView) {}

  isTrusted(store: KVRead, credentialType: string, issuerDid: string): boolean {
    return store.get(trustedIssuerKey(credentialType, issuerDid)) !== undefined;
  }

  trustedIssuers(store: KVRead, credentialType?: string): TrustedIssuer[] {
    const prefix = credentialType === undefined ? VC_TRUST_PREFIX : trustedIssuerTypePrefix(credentialType);
    return [...store.iterate(prefix, prefixEnd(prefix))].map(([, v]) => decode(trustedIssuerCodec, v));
  }

  statusList(store: KVRead, listId: string): StatusList | undefined {
    const raw = store.get(statusListKey(listId));
    return raw ? decode(statusListCodec, raw) : undefined;
  }

  *statusLists(store: KVRead): Iterable<StatusList> {
    for (const [, v] of store.iterate(VC_LIST_PREFIX, prefixEnd(VC_LIST_PREFIX))) yield decode(statusListCodec, v);
  }

  /** Trusts `issuerDid` (a registered, active DID) for `credentialType`; `vc.already_trusted` if it is. */
  addTrustedIssuer(store: KVStore, block: BlockInfo, m: AddTrustedIssuerMsg): TrustedIssuer {
    const did = this.dids.require(store, m.issuerDid);
    if (did.deactivated) throw DidErrors.deactivated.create(`${m.issuerDid} is deactivated`, { did: m.issuerDid });
    if (this.isTrusted(store, m.credentialType, m.issuerDid)) {
      throw VcErrors.alreadyTrusted.create(`${m.issuerDid} is already trusted for ${m.credentialType}`);
    }
    const entry: TrustedIssuer = { credentialType: m.credentialType, issuerDid: m.issuerDid, added: stamp(block) };
    store.set(trustedIssuerKey(m.credentialType, m.issuerDid), encode(trustedIssuerCodec, entry));
    return entry;
  }

  /** Withdraws a trust entry; `vc.not_trusted` when there is none. */
  removeTrustedIssuer(store: KVStore, m: AddTrustedIssuerMsg): void {
    if (!this.isTrusted(store, m.credentialType, m.issuerDid)) {
      throw VcErrors.notTrusted.create(`${m.issuerDid} is not trusted for ${m.credentialType}`);
    }
    store.delete(trustedIssuerKey(m.credentialType, m.issuerDid));
  }

  private authorize(store: KVRead, issuerDid: string, signerKey: Uint8Array | undefined): void {
    if (signerKey === undefined || !this.dids.isActiveAuthenticationKey(store, issuerDid, signerKey)) {
      throw VcErrors.notIssuer.create(`the transaction is not signed with an authentication key of ${issuerDid}`, {
        issuerDid,
      });
    }
  }

  /** Creates an all-zero list owned by `m.issuerDid`, signed by one of its authentication keys. */
  createStatusList(
    store: KVStore,
    block: BlockInfo,
    signerKey: Uint8Array | undefined,
    m: CreateStatusListMsg,
  ): StatusList {
    validateStatusPurpose(m.purpose);
    this.authorize(store, m.issuerDid, signerKey);
    if (store.get(statusListKey(m.listId)) !== undefined) {
      throw VcErrors.listExists.create(`status list ${m.listId} exists`, { listId: m.listId });
    }
    const list: StatusList = {
      listId: m.listId,
      issuerDid: m.issuerDid,
      purpose: m.purpose,
      length: m.length,
      bits: new Uint8Array(m.length / 8),
      created: stamp(block),
      updated: stamp(block),
    };
    store.set(statusListKey(m.listId), encode(statusListCodec, list));
    return list;
  }

  /** Sets or clears one bit, signed by an authentication key of the list's issuer; a revocation bit cannot be cleared. */
  setStatus(store: KVStore, block: BlockInfo, signerKey: Uint8Array | undefined, m: SetStatusMsg): StatusBitChange {
    const list = this.statusList(store, m.listId);
    if (!list) throw VcErrors.unknownStatusList.create(`no status list ${m.listId}`, { listId: m.listId });
    this.authorize(store, list.issuerDid, signerKey);
    if (m.index >= list.length) {
      throw VcErrors.indexOutOfRange.create(`status list ${m.listId} has ${list.length} entries, not ${m.index + 1}`);
    }
    const current = getStatusBit(list.bits, m.index);
    if (current === m.value) return { list, index: m.index, value: m.value, changed: false };
    if (!m.value && validateStatusPurpose(list.purpose) === "revocation") {
      throw VcErrors.revocationFinal.create(`index ${m.index} of ${m.listId} is revoked for good`);
    }
    const next: StatusList = { ...list, bits: withStatusBit(list.bits, m.index, m.value), updated: stamp(block) };
    store.set(statusListKey(m.listId), encode(statusListCodec, next));
    return { list: next, index: m.index, value: m.value, changed: true };
  }

  /** Writes genesis state (already validated by the genesis parser). */
  initGenesis(store: KVStore, trusted: TrustedIssuer[], lists: StatusList[]): void {
    for (const t of trusted) {
      this.dids.require(store, t.issuerDid);
      store.set(trustedIssuerKey(t.credentialType, t.issuerDid), encode(trustedIssuerCodec, t));
    }
    for (const l of lists) {
      this.dids.require(store, l.issuerDid);
      store.set(statusListKey(l.listId), encode(statusListCodec, l));
    }
  }
}
