/**
 * The shape every module has. A module folder holds: keys.ts, keeper.ts (with
 * a read-only view for other modules), handlers.ts, queries.ts, genesis.ts,
 * invariants.ts, events.ts and module.ts (this definition). Wire types, message
 * codecs and error codes live in @urbis/protocol under modules/<name>/ so the
 * browser SDK can use them.
 */
import type { Address, MessageType, Msg } from "@urbis/protocol";
import type { ValidatorUpdate } from "../app/types.js";
import type { Context, TxContext } from "./context.js";
import type { Event } from "./events.js";
import type { KVRead } from "./store.js";

/**
 * Who may send a message type. Every handler declares one; the App checks it
 * before the handler runs, so a refusal never reaches module code.
 *
 * - `anyone`: any account with a valid signature.
 * - `member`: a member (or admin) of an active organization.
 * - `role`: holder of a role granted by an active organization within the
 *   delegation governance gave that organization (e.g. `health.provider`).
 * - `governance`: only the governance authority, i.e. a passed proposal
 *   executing (no key can sign for that address).
 */
export type Permission =
  | { readonly kind: "anyone" }
  | { readonly kind: "member" }
  | { readonly kind: "role"; readonly role: string }
  | { readonly kind: "governance" };

/** Permission of messages any signed account may send. */
export const ANYONE: Permission = { kind: "anyone" };
/** Permission of messages only members of an active organization may send. */
export const MEMBER: Permission = { kind: "member" };
/** Permission of messages only an executing governance proposal may send. */
export const GOVERNANCE: Permission = { kind: "governance" };
/** Permission of messages needing `role` (e.g. `health.provider`). */
export function requiresRole(role: string): Permission {
  return { kind: "role", role };
}

/** Human-readable form of a permission: `anyone`, `member`, `governance` or `role:<name>`. */
export function permissionLabel(p: Permission): string {
  return p.kind === "role" ? `role:${p.role}` : p.kind;
}

/**
 * Decides `member` and `role` permissions (the organization module provides
 * it). Throws a registered error naming what is missing.
 */
export interface Authorizer {
  authorize(store: KVRead, signer: Address, permission: Permission): void;
}

/**
 * What the App offers modules that run other modules' messages (governance
 * executing a passed proposal). Given to {@link Module.bind} once, at App
 * construction.
 */
export interface ModuleHost {
  /** Whether a message type is registered. */
  hasMessage(type: string): boolean;
  /** The declared permission of a registered message type. */
  permissionOf(type: string): Permission | undefined;
  /**
   * Decodes and stateless-validates a message exactly as a transaction would
   * (throws `tx.unknown_message`, `tx.malformed` or the module's error).
   */
  validate(msg: Msg): void;
  /**
   * Runs `msgs` in order as `signer`, with permission checks, in one
   * checkpoint over `ctx.store`: all are written, or (on a throw) none.
   * Returns the events they emitted. `origin` stands in for the transaction
   * hash (e.g. `proposal/7`).
   */
  dispatch(ctx: Context, signer: Address, msgs: readonly Msg[], origin: string): Event[];
}

/** Handles one message type: validate (stateless), then run through the keeper. */
export interface MessageHandler<T> {
  readonly msg: MessageType<T>;
  /** Who may send it (checked by the App before `validate`). */
  readonly permission: Permission;
  /** Stateless checks; throws a registered error. */
  validate(value: T): void;
  /** Runs the message; throws a registered error to revert the transaction. */
  handle(ctx: TxContext, value: T): void;
}

/** Binds a message type to its handler functions (keeps handler lists well typed). */
export function handler<T>(
  msg: MessageType<T>,
  permission: Permission,
  validate: (value: T) => void,
  handle: (ctx: TxContext, value: T) => void,
): MessageHandler<unknown> {
  return { msg, permission, validate, handle } as MessageHandler<unknown>;
}

/** JSON-compatible query answer (bigints as decimal strings). */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A read-only query such as `bank/balance`. */
export interface QueryHandler {
  /** `module/name`. */
  readonly path: string;
  /** Answers from state; params are strings from the URL or ABCI query data. */
  handle(ctx: Context, params: Readonly<Record<string, string>>): Json;
}

/** A rule that must hold after every block; returns a description of the breakage, or undefined. */
export interface Invariant {
  readonly name: string;
  check(ctx: Context): string | undefined;
}

/** Genesis import and export of a module's state. */
export interface GenesisHandler<G> {
  /** Parses and validates the module's section of the genesis document. */
  parse(json: unknown): G;
  init(ctx: Context, genesis: G): void;
  export(ctx: Context): Json;
}

/** A state machine module. */
export interface Module<G = unknown> {
  readonly name: string;
  readonly messages: readonly MessageHandler<unknown>[];
  readonly queries: readonly QueryHandler[];
  readonly genesis: GenesisHandler<G>;
  readonly invariants: readonly Invariant[];
  /** Decides `member` and `role` permissions; at most one module provides it. */
  readonly authorizer?: Authorizer;
  /** Called once by the App after every module's messages are registered. */
  bind?(host: ModuleHost): void;
  /** Runs before the block's transactions (e.g. an upgrade plan halting the chain). */
  beginBlock?(ctx: Context): void;
  /** Runs after the block's transactions. */
  endBlock?(ctx: Context): void;
  /**
   * Earliest block time (Unix ms) at which `endBlock` has work due (e.g. a
   * voting period ending), read from committed state; undefined when none.
   * Not consensus: an engine that makes no empty blocks when idle (solo) uses
   * it to make one when work falls due.
   */
  nextDueTimeMs?(store: KVRead): bigint | undefined;
  /**
   * Runs after every module's `endBlock`: the block's changes to the CometBFT
   * validator set (power 0 = removal), which CometBFT applies from height H + 2.
   * The App concatenates every module's list, in module order, into
   * FinalizeBlock's `validatorUpdates`.
   */
  validatorUpdates?(ctx: Context): ValidatorUpdate[];
  /** Runs after every module's genesis init: the initial validator set, returned as InitChain's `validators`. */
  initialValidators?(ctx: Context): ValidatorUpdate[];
}
