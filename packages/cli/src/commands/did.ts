import {
  type CreateDidMsg,
  createDidMsg,
  DID_KINDS,
  type DidContent,
  DidErrors,
  type DidKeyEntry,
  type DidKind,
  type DidRecord,
  type DidService,
  deactivateDidMsg,
  decode,
  didContentOf,
  didDocumentKey,
  didKindCode,
  didOf,
  didRecordCodec,
  fromHex,
  isDid,
  isEd25519VerificationKey,
  parseDidVersionSelector,
  toHex,
  type UpdateDidMsg,
  type UrbisClient,
  updateDidMsg,
  validateCreateDidMsg,
  validateDeactivateDidMsg,
  validateUpdateDidMsg,
} from "@urbis/sdk";
import type { Command } from "commander";
import { connect, sdkClient } from "../client.js";
import { listKeys, readKeyFile } from "../home.js";
import { CliError, EXIT, print } from "../output.js";
import { homeOf, signAndSubmit, txOptions } from "../sign.js";

/** Fragment of the key agreement key `tx did create --key-agreement` adds. */
export const CLI_KEY_AGREEMENT_FRAGMENT = "enc-1";

const P25519 = (1n << 255n) - 19n;

function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = base % m;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}

/**
 * The X25519 public key of the same secret as Ed25519 public key `publicKey`:
 * the birational map u = (1 + y) / (1 − y) mod 2^255 − 19 (RFC 7748, section
 * 4.1). Its secret is the Ed25519 secret scalar (the clamped first half of
 * SHA-512 of the seed), as libsodium's `crypto_sign_ed25519_sk_to_curve25519`
 * computes, so a key in the home can also receive encrypted messages.
 * Whether the result is a usable key agreement key is for validation to say.
 */
export function x25519FromEd25519(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== 32) throw new CliError(`an Ed25519 key is 32 bytes, got ${publicKey.length}`, EXIT.usage);
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(publicKey[i] as number);
  y &= (1n << 255n) - 1n; // the top bit is the sign of x, which u does not depend on
  const num = (1n + y) % P25519;
  const den = (P25519 + 1n - (y % P25519)) % P25519;
  // y = 1 is the neutral point, whose image is u = 0 (refused later as a small-order key).
  const u = den === 0n ? 0n : (num * modPow(den, P25519 - 2n, P25519)) % P25519;
  const out = new Uint8Array(32);
  let v = u;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Parses `--service <fragment>,<type>,<url>`; the URL may itself contain commas. */
export function parseServiceSpec(spec: string): DidService {
  const i = spec.indexOf(",");
  const j = i < 0 ? -1 : spec.indexOf(",", i + 1);
  if (j < 0) {
    throw new CliError(
      `a service is <fragment>,<type>,<url>, e.g. inbox,DIDCommMessaging,https://relay.example.org/a; got ${JSON.stringify(spec)}`,
      EXIT.usage,
    );
  }
  return { fragment: spec.slice(0, i), type: spec.slice(i + 1, j), endpoint: spec.slice(j + 1) };
}

/**
 * The fragment of the key `rotate-key` installs: `key-<n>` with n above the
 * current version and every numbered key of the document, so a DID URL such
 * as `<did>#key-1` never names two different keys in the DID's history when
 * only the CLI rotated it.
 */
export function nextKeyFragment(content: DidContent, version: number): string {
  let n = version + 1;
  for (const m of content.verificationMethods) {
    const x = /^key-([0-9]{1,9})$/.exec(m.fragment);
    if (x) n = Math.max(n, Number(x[1]) + 1);
  }
  const used = new Set(
    [...content.verificationMethods, ...content.keyAgreement, ...content.services].map((e) => e.fragment),
  );
  while (used.has(`key-${n}`)) n++;
  return `key-${n}`;
}

/** A DID argument: a DID, or the name of a key in `home` standing for the DID created with that key. */
export function didArgOf(home: string, s: string): string {
  if (isDid(s)) return s;
  const k = listKeys(home).find((f) => f.name === s);
  if (k) return didOf(fromHex(k.publicKey));
  throw new CliError(`${JSON.stringify(s)} is neither a did:urbis identifier nor a key name in ${home}`, EXIT.usage);
}

/** Registers `urbis tx did` under `tx` and `urbis query did|did-history` under `query`. */
export function registerDid(program: Command, tx: Command, query: Command): void {
  const did = tx.command("did").description("did:urbis identifiers: create, rotate keys, services, controllers");
  const home = () => homeOf(program);
  const g = () => program.opts();
  const client = () => connect(g().node, home());

  /** A key's Ed25519 public key: a key name in the home, or 64 hex digits. */
  function publicKeyOf(nameOrHex: string): Uint8Array {
    const key = /^[0-9a-fA-F]{64}$/.test(nameOrHex)
      ? fromHex(nameOrHex)
      : fromHex(readKeyFile(home(), nameOrHex).publicKey);
    if (!isEd25519VerificationKey(key)) {
      throw new CliError(`${nameOrHex} is not a usable Ed25519 public key`, EXIT.usage);
    }
    return key;
  }

  const didArg = (s: string) => didArgOf(home(), s);

  /** The DID's current record, read with a proof checked here; `did.not_found` / `did.deactivated` otherwise. */
  async function currentRecord(id: string): Promise<DidRecord> {
    const { verified } = await client().verifiedState(toHex(didDocumentKey(id)));
    if (verified.value === undefined) throw DidErrors.notFound.create(`${id} is not registered`);
    const r = decode(didRecordCodec, verified.value);
    if (r.id !== id) throw new CliError(`the node's record for ${id} is of ${r.id}`, EXIT.failure);
    if (r.deactivated) throw DidErrors.deactivated.create(`${id} is deactivated (version ${r.version})`);
    return r;
  }

  /** Reads `id`, applies `change` to its content and submits the result as `did/update` at the read version. */
  async function update(
    id: string,
    o: Record<string, string>,
    change: (c: DidContent, r: DidRecord) => DidContent,
  ): Promise<void> {
    const r = await currentRecord(id);
    const m: UpdateDidMsg = { did: id, expectedVersion: r.version, ...change(didContentOf(r), r) };
    validateUpdateDidMsg(m);
    await signAndSubmit(program, o, [updateDidMsg.wrap(m)]);
  }

  const collect = (v: string, prev: string[] = []) => [...prev, v];

  txOptions(did.command("create"))
    .description(
      "register the DID of a key (by default the --from key, which proves possession by signing), e.g. 'urbis tx did create --from alice --service inbox,DIDCommMessaging,https://relay.example.org/a'",
    )
    .option("--kind <kind>", `what the DID stands for: ${DID_KINDS.join(", ")}`, "person")
    .option(
      "--key <key>",
      "the new DID's first key, a key name or 64 hex digits (default: the --from key); another key than the signer's needs --controller naming a DID the signer controls",
    )
    .option("--controller <did>", "a DID controlling the new one (repeatable; none: it controls itself)", collect)
    .option("--service <fragment,type,url>", "a service endpoint (repeatable), https, wss or did URI", collect)
    .option(
      "--key-agreement <key>",
      `a key name (or 64 hex digits) whose X25519 form becomes key agreement key #${CLI_KEY_AGREEMENT_FRAGMENT}`,
    )
    .action(async (o) => {
      if (!(DID_KINDS as readonly string[]).includes(o.kind)) {
        throw new CliError(`--kind must be one of ${DID_KINDS.join(", ")}`, EXIT.usage);
      }
      const publicKey = publicKeyOf(o.key ?? o.from);
      const keyAgreement: DidKeyEntry[] = o.keyAgreement
        ? [{ fragment: CLI_KEY_AGREEMENT_FRAGMENT, publicKey: x25519FromEd25519(publicKeyOf(o.keyAgreement)) }]
        : [];
      const m: CreateDidMsg = {
        kind: didKindCode(o.kind as DidKind),
        publicKey,
        controllers: ((o.controller ?? []) as string[]).map(didArg),
        services: ((o.service ?? []) as string[]).map(parseServiceSpec),
        keyAgreement,
      };
      validateCreateDidMsg(m);
      await signAndSubmit(program, o, [createDidMsg.wrap(m)], { did: didOf(publicKey) });
    });

  txOptions(did.command("rotate-key <did>"))
    .description(
      "replace the DID's keys with one new key (authentication and assertionMethod), keeping controllers, key agreement keys and services",
    )
    .requiredOption("--to <key>", "the new key: a key name (see 'urbis keys add') or 64 hex digits")
    .action(async (d: string, o) => {
      const to = publicKeyOf(o.to);
      await update(didArg(d), o, (c, r) => {
        const fragment = nextKeyFragment(c, r.version);
        return {
          ...c,
          verificationMethods: [{ fragment, publicKey: to }],
          authentication: [fragment],
          assertionMethod: [fragment],
        };
      });
    });

  txOptions(did.command("add-service <did> <fragment> <type> <url>"))
    .description(
      "add a service endpoint, e.g. 'urbis tx did add-service alice web LinkedDomains https://alice.example.org'",
    )
    .action((d: string, fragment: string, type: string, endpoint: string, o) =>
      update(didArg(d), o, (c) => ({ ...c, services: [...c.services, { fragment, type, endpoint }] })),
    );

  txOptions(did.command("remove-service <did> <fragment>"))
    .description("remove the service named by <fragment>")
    .action((d: string, fragment: string, o) => {
      const id = didArg(d);
      return update(id, o, (c) => {
        if (!c.services.some((s) => s.fragment === fragment)) {
          throw new CliError(`${id} has no service #${fragment}`, EXIT.notFound);
        }
        return { ...c, services: c.services.filter((s) => s.fragment !== fragment) };
      });
    });

  txOptions(did.command("set-controllers <did> [controllers...]"))
    .description(
      "replace the DIDs controlling this one (each a registered DID or a key name); --none makes the DID control itself",
    )
    .option("--none", "remove every controller")
    .action((d: string, controllers: string[], o) => {
      if (o.none ? controllers.length > 0 : controllers.length === 0) {
        throw new CliError("name the controllers, or give --none (and no controllers) to remove them all", EXIT.usage);
      }
      const list = controllers.map(didArg);
      return update(didArg(d), o, (c) => ({ ...c, controllers: list }));
    });

  txOptions(did.command("deactivate <did>"))
    .description("deactivate the DID for good: it can never change or be registered again")
    .action(async (d: string, o) => {
      const m = { did: didArg(d) };
      validateDeactivateDidMsg(m);
      await signAndSubmit(program, o, [deactivateDidMsg.wrap(m)]);
    });

  const api = (): UrbisClient => sdkClient(g().node, home());

  query
    .command("did <did>")
    .description(
      "resolve a DID (or the DID created with a key name) to its W3C resolution result; a deactivated DID prints its result and exits 3 (did.deactivated)",
    )
    .option("--version-id <n>", "resolve version n")
    .option("--version-time <iso>", "resolve the version current at this UTC time, e.g. 2025-03-02T10:15:07Z")
    .action(async (d: string, o) => {
      const id = didArg(d);
      try {
        parseDidVersionSelector({ versionId: o.versionId, versionTime: o.versionTime });
      } catch (e) {
        if (DidErrors.invalidResolutionOption.is(e)) throw new CliError((e as Error).message, EXIT.usage);
        throw e;
      }
      try {
        const result = await api().resolveDid(id, {
          ...(o.versionId === undefined ? {} : { versionId: o.versionId as string }),
          ...(o.versionTime === undefined ? {} : { versionTime: o.versionTime as string }),
        });
        print(result, g().json);
      } catch (e) {
        // The 410 carries the deactivated DID's result: show it, then report the error (exit 3).
        const resolution = DidErrors.deactivated.is(e)
          ? (e as { details?: { resolution?: unknown } }).details?.resolution
          : undefined;
        if (resolution !== undefined) print(resolution, g().json);
        throw e;
      }
    });

  query
    .command("did-history <did>")
    .description("every version of a DID with its height, time and deactivation flag")
    .option("--from-version <n>", "first version to list (default 1)")
    .option("--limit <n>", "versions per page (default 100, at most 500)")
    .action(async (d: string, o) => {
      const params: Record<string, string> = { did: didArg(d) };
      if (o.fromVersion !== undefined) params.fromVersion = o.fromVersion;
      if (o.limit !== undefined) params.limit = o.limit;
      print(await client().moduleQuery("did", "history", params), g().json);
    });
}
