/** Output and exit codes of the CLI: readable by default, JSON with --json. */
import { UrbisError } from "@urbis/sdk";

/** Exit codes scripts can rely on (documented in the README). */
export const EXIT = {
  ok: 0,
  /** Anything unexpected. */
  failure: 1,
  /** Bad command-line usage. */
  usage: 2,
  /** The chain refused the request (a registered error code). */
  rejected: 3,
  /** The node could not be reached. */
  unreachable: 4,
  /** The thing asked for does not exist. */
  notFound: 5,
} as const;

/** Converts values for JSON output: bigints and bytes become strings. */
export function jsonable(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  if (Array.isArray(v)) return v.map(jsonable);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = jsonable(x);
    return out;
  }
  return v;
}

/** Prints `value` as JSON, or as indented `key: value` lines. */
export function print(value: unknown, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(jsonable(value), null, 2)}\n`);
    return;
  }
  process.stdout.write(`${readable(jsonable(value), 0)}\n`);
}

function readable(v: unknown, depth: number): string {
  const pad = "  ".repeat(depth);
  if (Array.isArray(v)) {
    if (v.length === 0) return "(none)";
    return v
      .map((x) =>
        typeof x === "object" && x !== null ? `\n${pad}- ${readable(x, depth + 1).trimStart()}` : `\n${pad}- ${x}`,
      )
      .join("");
  }
  if (v && typeof v === "object") {
    return Object.entries(v)
      .map(([k, x]) => {
        const inner = readable(x, depth + 1);
        return typeof x === "object" && x !== null
          ? `${pad}${k}:${inner.startsWith("\n") ? "" : "\n"}${inner}`
          : `${pad}${k}: ${inner}`;
      })
      .join("\n");
  }
  return String(v);
}

/** A CLI failure with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Reports an error (JSON or text) on stderr and returns the exit code to use. */
export function reportError(e: unknown, json: boolean): number {
  let code: number = EXIT.failure;
  let body: Record<string, unknown>;
  if (e instanceof CliError) {
    code = e.exitCode;
    body = { message: e.message };
  } else if (e instanceof UrbisError || (e && typeof e === "object" && "codespace" in e && "code" in e)) {
    const u = e as UrbisError;
    code =
      u.codespace === "sdk" && u.code === 6
        ? EXIT.unreachable
        : (u as { def?: { httpStatus?: number } }).def?.httpStatus === 404
          ? EXIT.notFound
          : EXIT.rejected;
    body = { codespace: u.codespace, code: u.code, message: u.message };
  } else {
    body = { message: e instanceof Error ? e.message : String(e) };
  }
  if (json) process.stderr.write(`${JSON.stringify({ error: body })}\n`);
  else process.stderr.write(`error: ${body.codespace ? `[${body.codespace}/${body.code}] ` : ""}${body.message}\n`);
  return code;
}
