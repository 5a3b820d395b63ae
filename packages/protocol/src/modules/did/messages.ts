/**
 * Messages of the DID module and their stateless checks. Any account may send
 * them; what authorizes a change is the transaction's public key, which must
 * be the DID's own key at creation, or an authentication key of the DID (or of
 * one of its controllers) afterwards. The state machine checks that.
 */
import { bytes, type Codec, type Infer, struct, u8, u32, vec } from "../../codec/index.js";
import { defineMessage, type MessageType, type Msg } from "../../tx.js";
import {
  type DidContent,
  type DidKeyEntry,
  type DidKind,
  type DidService,
  didKeyEntryCodec,
  didKindCode,
  didServiceCodec,
  didStringCodec,
  fragmentCodec,
  INITIAL_KEY_FRAGMENT,
  MAX_DID_KEY_WIRE_BYTES,
  MAX_DID_LIST_WIRE_ITEMS,
  validateDidContent,
  validateDidKind,
  validateUrbisDid,
} from "./types.js";

const list = <T>(c: Codec<T>) => vec(c, MAX_DID_LIST_WIRE_ITEMS);

/**
 * `did/create`: registers `did:urbis:<id>` derived from `publicKey`, which
 * becomes verification method `#key-1`, in authentication and assertionMethod.
 * Allowed when the transaction is signed with `publicKey` itself, or with an
 * authentication key of one of the listed controllers (an organization
 * registering a device).
 */
export const createDidMsgCodec = struct({
  /** Code of the {@link DidKind}: 0 person, 1 organization, 2 device. */
  kind: u8,
  /** The initial Ed25519 key (32 bytes); the DID derives from it. */
  publicKey: bytes(MAX_DID_KEY_WIRE_BYTES),
  controllers: list(didStringCodec),
  services: list(didServiceCodec),
  /** X25519 keys to encrypt to the subject (may be empty). */
  keyAgreement: list(didKeyEntryCodec),
});
/** Value of a `did/create` message. */
export type CreateDidMsg = Infer<typeof createDidMsgCodec>;
/** The `did/create` message type. */
export const createDidMsg: MessageType<CreateDidMsg> = defineMessage("did/create", createDidMsgCodec);

/**
 * `did/update`: replaces everything a controller may change (key rotation is a
 * new key set), if the DID is still at `expectedVersion`.
 */
export const updateDidMsgCodec = struct({
  did: didStringCodec,
  /** The version the sender saw; a concurrent update makes this one fail with `did.version_mismatch`. */
  expectedVersion: u32,
  controllers: list(didStringCodec),
  verificationMethods: list(didKeyEntryCodec),
  authentication: list(fragmentCodec),
  assertionMethod: list(fragmentCodec),
  keyAgreement: list(didKeyEntryCodec),
  services: list(didServiceCodec),
});
/** Value of a `did/update` message. */
export type UpdateDidMsg = Infer<typeof updateDidMsgCodec>;
/** The `did/update` message type. */
export const updateDidMsg: MessageType<UpdateDidMsg> = defineMessage("did/update", updateDidMsgCodec);

/** `did/deactivate`: ends the DID for good; resolution then reports it deactivated. */
export const deactivateDidMsgCodec = struct({ did: didStringCodec });
/** Value of a `did/deactivate` message. */
export type DeactivateDidMsg = Infer<typeof deactivateDidMsgCodec>;
/** The `did/deactivate` message type. */
export const deactivateDidMsg: MessageType<DeactivateDidMsg> = defineMessage("did/deactivate", deactivateDidMsgCodec);

/** Every DID message type, in code order. */
export const DID_MESSAGES = [createDidMsg, updateDidMsg, deactivateDidMsg] as const;

/** The document content a `did/create` message describes. */
export function createdDidContent(m: CreateDidMsg): DidContent {
  return {
    controllers: [...m.controllers],
    verificationMethods: [{ fragment: INITIAL_KEY_FRAGMENT, publicKey: m.publicKey }],
    authentication: [INITIAL_KEY_FRAGMENT],
    assertionMethod: [INITIAL_KEY_FRAGMENT],
    keyAgreement: [...m.keyAgreement],
    services: [...m.services],
  };
}

/** The document content a `did/update` message carries. */
export function updatedDidContent(m: UpdateDidMsg): DidContent {
  return {
    controllers: m.controllers,
    verificationMethods: m.verificationMethods,
    authentication: m.authentication,
    assertionMethod: m.assertionMethod,
    keyAgreement: m.keyAgreement,
    services: m.services,
  };
}

/** Stateless checks of `did/create`: a known kind and a valid document with `#key-1` = `publicKey`. */
export function validateCreateDidMsg(m: CreateDidMsg): void {
  validateDidKind(m.kind);
  validateDidContent(createdDidContent(m));
}

/** Stateless checks of `did/update`: a valid DID and a valid document (the version is checked against state). */
export function validateUpdateDidMsg(m: UpdateDidMsg): void {
  validateUrbisDid(m.did);
  validateDidContent(updatedDidContent(m));
}

/** Stateless checks of `did/deactivate`: a valid DID. */
export function validateDeactivateDidMsg(m: DeactivateDidMsg): void {
  validateUrbisDid(m.did);
}

/** What {@link createDidMessage} needs; lists default to empty. */
export interface CreateDidOptions {
  kind: DidKind;
  publicKey: Uint8Array;
  controllers?: string[];
  services?: DidService[];
  keyAgreement?: DidKeyEntry[];
}

/** A `did/create` wire message. */
export function createDidMessage(o: CreateDidOptions): Msg {
  return createDidMsg.wrap({
    kind: didKindCode(o.kind),
    publicKey: o.publicKey,
    controllers: o.controllers ?? [],
    services: o.services ?? [],
    keyAgreement: o.keyAgreement ?? [],
  });
}

/**
 * A `did/update` wire message setting `content` (start from `didContentOf(record)`
 * of the current version to change only some parts) at `expectedVersion`.
 */
export function updateDidMessage(did: string, expectedVersion: number, content: DidContent): Msg {
  return updateDidMsg.wrap({ did, expectedVersion, ...content });
}

/** A `did/deactivate` wire message. */
export function deactivateDidMessage(did: string): Msg {
  return deactivateDidMsg.wrap({ did });
}
