/**
 * Typed, coded errors. Every error a user can cause is registered once as
 * (codespace, code) with a name and a description; the same pair travels from
 * the state machine to the ABCI response, the REST error body and the SDK.
 */

/** An error a user caused (bad input, missing funds, …), carrying its registered code. */
export class UrbisError extends Error {
  override readonly name = "UrbisError";
  constructor(
    readonly def: ErrorDef,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
  get codespace(): string {
    return this.def.codespace;
  }
  get code(): number {
    return this.def.code;
  }
  /** Stable, human-readable identifier such as `bank.insufficient_funds`. */
  get id(): string {
    return `${this.def.codespace}.${this.def.name}`;
  }
}

/**
 * A broken internal rule (corrupt state, a module bug). It is never a user's
 * fault; engines stop the node when they see one rather than commit bad state.
 */
export class InvariantViolation extends Error {
  override readonly name = "InvariantViolation";
}

/**
 * The chain reached the height of a governance-approved upgrade plan this
 * software does not implement: every node stops there, before executing the
 * block, until it runs software that knows the plan.
 */
export class UpgradeNeeded extends InvariantViolation {
  constructor(
    readonly plan: string,
    readonly height: bigint,
    readonly info: string,
  ) {
    super(
      `UPGRADE "${plan}" NEEDED at height ${height}: this software does not implement it; ` +
        `stop the node and start a version that does${info ? ` (${info})` : ""}`,
    );
  }
}

/** A registered error kind. */
export interface ErrorDef {
  readonly codespace: string;
  readonly code: number;
  /** snake_case name, unique within the codespace. */
  readonly name: string;
  /** One sentence for docs/errors.md. */
  readonly description: string;
  /** HTTP status the REST API answers with. */
  readonly httpStatus: number;
  /** Makes an error of this kind. */
  create(message?: string, details?: Record<string, unknown>): UrbisError;
  /** Whether `e` is an error of this kind. */
  is(e: unknown): e is UrbisError;
}

const registry = new Map<string, ErrorDef>();

/**
 * Registers an error kind. Codes are never reused: registering the same
 * (codespace, code) or (codespace, name) twice is a programming error.
 */
export function registerError(
  codespace: string,
  code: number,
  name: string,
  description: string,
  httpStatus = 400,
): ErrorDef {
  if (!/^[a-z][a-z0-9_]*$/.test(codespace) || !/^[a-z][a-z0-9_]*$/.test(name)) {
    throw new InvariantViolation(`bad error identifier ${codespace}.${name}`);
  }
  if (!Number.isInteger(code) || code < 1 || code > 0xffff_ffff) {
    throw new InvariantViolation(`bad error code ${codespace}/${code}`);
  }
  const key = `${codespace}/${code}`;
  const existing = registry.get(key);
  if (existing) {
    throw new InvariantViolation(`error code ${key} registered twice (${existing.name}, ${name})`);
  }
  for (const d of registry.values()) {
    if (d.codespace === codespace && d.name === name) {
      throw new InvariantViolation(`error name ${codespace}.${name} registered twice`);
    }
  }
  const def: ErrorDef = {
    codespace,
    code,
    name,
    description,
    httpStatus,
    create(message, details) {
      return new UrbisError(def, message ?? description, details);
    },
    is(e): e is UrbisError {
      return e instanceof UrbisError && e.def.codespace === codespace && e.def.code === code;
    },
  };
  registry.set(key, def);
  return def;
}

/** Every registered error kind, sorted by codespace then code. */
export function registeredErrors(): ErrorDef[] {
  return [...registry.values()].sort((a, b) =>
    a.codespace === b.codespace ? a.code - b.code : a.codespace < b.codespace ? -1 : 1,
  );
}

/** Looks up a registered error kind. */
export function findError(codespace: string, code: number): ErrorDef | undefined {
  return registry.get(`${codespace}/${code}`);
}
