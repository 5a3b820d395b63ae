/** Strict helpers for reading JSON (genesis sections, query params) into domain types. */
import { type ErrorDef, isAddress } from "@urbis/protocol";

/** Reads JSON fields, failing with one registered error kind and a path in the message. */
export class JsonReader {
  constructor(
    private readonly err: ErrorDef,
    private readonly path = "",
  ) {}
  fail(msg: string): never {
    throw this.err.create(`${this.path || "value"}: ${msg}`);
  }
  at(path: string): JsonReader {
    return new JsonReader(this.err, this.path ? `${this.path}.${path}` : path);
  }
  object(v: unknown): Record<string, unknown> {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail("expected an object");
    return v as Record<string, unknown>;
  }
  /** Fails on any key of `o` outside `allowed` (a typo in a genesis must not pass silently). */
  noExtraKeys(o: Record<string, unknown>, allowed: readonly string[]): void {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) this.fail(`unknown field ${JSON.stringify(k)}`);
  }
  /** An object with no key outside `allowed`: {@link object}, then {@link noExtraKeys}. */
  record(v: unknown, allowed: readonly string[]): Record<string, unknown> {
    const o = this.object(v);
    this.noExtraKeys(o, allowed);
    return o;
  }
  array(v: unknown): unknown[] {
    if (!Array.isArray(v)) this.fail("expected an array");
    return v;
  }
  string(v: unknown, pattern?: RegExp): string {
    if (typeof v !== "string") this.fail("expected a string");
    if (pattern && !pattern.test(v)) this.fail(`${JSON.stringify(v)} does not match ${pattern}`);
    return v;
  }
  address(v: unknown): string {
    if (!isAddress(v)) this.fail(`${JSON.stringify(v)} is not an urbis address`);
    return v;
  }
  /** A non-negative integer given as a decimal string (or a safe JSON integer), at most `max`. */
  uint(v: unknown, max: bigint): bigint {
    let s: string;
    if (typeof v === "number" && Number.isSafeInteger(v)) s = String(v);
    else if (typeof v === "string") s = v;
    else this.fail("expected a non-negative integer as a decimal string");
    if (!/^(0|[1-9][0-9]*)$/.test(s)) this.fail(`${JSON.stringify(v)} is not a non-negative decimal integer`);
    const n = BigInt(s);
    if (n > max) this.fail(`${s} exceeds the maximum ${max}`);
    return n;
  }
  smallUint(v: unknown, max: number): number {
    return Number(this.uint(v, BigInt(max)));
  }
  optional<T>(v: unknown, read: (v: unknown) => T): T | undefined {
    return v === undefined || v === null ? undefined : read(v);
  }
}
