/**
 * Routes messages to their modules' handlers with the permission check every
 * message declares. The App runs transactions through it, and gives modules
 * its {@link ModuleHost} face so governance runs a passed proposal's messages
 * through exactly the same checks.
 */
import { type Address, GOVERNANCE_ADDRESS, InvariantViolation, type Msg, TxErrors, UrbisError } from "@urbis/protocol";
import type { TxContext } from "../framework/context.js";
import type { Event } from "../framework/events.js";
import type { Authorizer, MessageHandler, Module, ModuleHost, Permission } from "../framework/module.js";
import { CacheStore, type KVRead } from "../framework/store.js";
import { AppErrors } from "./errors.js";

/** Every registered message handler, and the one authorizer of `member` and `role` permissions. */
export class MessageRouter {
  private readonly handlers = new Map<string, MessageHandler<unknown>>();
  private readonly authorizer: Authorizer | undefined;

  constructor(modules: readonly Module<any>[]) {
    for (const m of modules) {
      for (const h of m.messages) {
        if (this.handlers.has(h.msg.type)) throw new InvariantViolation(`message ${h.msg.type} registered twice`);
        this.handlers.set(h.msg.type, h);
      }
    }
    const authorizers = modules.flatMap((m) => (m.authorizer ? [m.authorizer] : []));
    if (authorizers.length > 1) throw new InvariantViolation("more than one module provides an authorizer");
    this.authorizer = authorizers[0];
  }

  /** Whether a message type is registered. */
  has(type: string): boolean {
    return this.handlers.has(type);
  }

  /** Registered message types, sorted. */
  types(): string[] {
    return [...this.handlers.keys()].sort();
  }

  /** The declared permission of a registered message type. */
  permissionOf(type: string): Permission | undefined {
    return this.handlers.get(type)?.permission;
  }

  /** Throws the registered error when `signer` may not send a message declaring `p`. */
  authorize(store: KVRead, signer: Address, p: Permission): void {
    if (p.kind === "anyone") return;
    if (p.kind === "governance") {
      if (signer !== GOVERNANCE_ADDRESS) {
        throw AppErrors.governanceOnly.create("only an executing governance proposal may send this message");
      }
      return;
    }
    // The governance authority acts for the whole consortium, so it passes member and role checks.
    if (signer === GOVERNANCE_ADDRESS) return;
    if (!this.authorizer) throw AppErrors.noAuthorizer.create("this chain has no organization module");
    this.authorizer.authorize(store, signer, p);
  }

  private handlerOf(type: string): MessageHandler<unknown> {
    const h = this.handlers.get(type);
    if (!h) throw TxErrors.unknownMessage.create(`unknown message type ${type}`);
    return h;
  }

  /** Decodes and stateless-validates a message as a transaction would. */
  validate(m: Msg): void {
    const h = this.handlerOf(m.type);
    h.validate(h.msg.unwrap(m));
  }

  /**
   * Runs `msgs` in order in `ctx` (permission, decoding, validation, handler).
   * When one of several fails, its error names the message.
   */
  runAll(ctx: TxContext, msgs: readonly Msg[]): void {
    msgs.forEach((m, i) => {
      try {
        const h = this.handlerOf(m.type);
        this.authorize(ctx.store, ctx.signer, h.permission);
        const value = h.msg.unwrap(m);
        h.validate(value);
        h.handle(ctx, value);
      } catch (e) {
        if (e instanceof UrbisError && msgs.length > 1) {
          throw new UrbisError(e.def, `message ${i} (${m.type}): ${e.message}`, e.details);
        }
        throw e;
      }
    });
  }

  /** What modules that run other modules' messages (governance) are given. */
  host(): ModuleHost {
    return {
      hasMessage: (type) => this.has(type),
      permissionOf: (type) => this.permissionOf(type),
      validate: (m) => this.validate(m),
      dispatch: (ctx, signer, msgs, origin) => {
        const store = new CacheStore(ctx.store);
        const events: Event[] = [];
        this.runAll({ block: ctx.block, store, signer, txHash: origin, emit: (e) => events.push(e) }, msgs);
        store.writeTo(ctx.store);
        for (const e of events) ctx.emit(e);
        return events;
      },
    };
  }
}
