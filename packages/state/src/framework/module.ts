/**
 * The shape every module has. A module folder holds: keys.ts, keeper.ts (with
 * a read-only view for other modules), handlers.ts, queries.ts, genesis.ts,
 * invariants.ts, events.ts and module.ts (this definition). Wire types, message
 * codecs and error codes live in @urbis/protocol under modules/<name>/ so the
 * browser SDK can use them.
 */
import type { MessageType } from "@urbis/protocol";
import type { ValidatorUpdate } from "../app/types.js";
import type { Context, TxContext } from "./context.js";

/** Handles one message type: validate (stateless), then run through the keeper. */
export interface MessageHandler<T> {
  readonly msg: MessageType<T>;
  /** Stateless checks; throws a registered error. */
  validate(value: T): void;
  /** Runs the message; throws a registered error to revert the transaction. */
  handle(ctx: TxContext, value: T): void;
}

/** Binds a message type to its handler functions (keeps handler lists well typed). */
export function handler<T>(
  msg: MessageType<T>,
  validate: (value: T) => void,
  handle: (ctx: TxContext, value: T) => void,
): MessageHandler<unknown> {
  return { msg, validate, handle } as MessageHandler<unknown>;
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
  /** Runs after the block's transactions. */
  endBlock?(ctx: Context): void;
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
