/**
 * `urbis tx health …` and `urbis query health …`: patients, the record
 * index, consents, logged reads (with break-glass) and the research
 * registry. Personal identifiers never leave this machine: a patient's link
 * id is hashed here, and only the hash goes on chain.
 */
import { readFileSync } from "node:fs";
import {
  accessRecordMsg,
  BREAK_GLASS_REASONS,
  type ConsentJson,
  consentStatus,
  FHIR_RESOURCE_TYPES,
  fromHex,
  type GrantConsentMsg,
  grantConsentMsg,
  isEd25519VerificationKey,
  PURPOSES,
  patientRegistrationBytes,
  publishResearchMsg,
  RESEARCH_KINDS,
  type ResearchKind,
  registerPatientMsg,
  registerRecordMsg,
  revokeConsentMsg,
  type SubmitResultJson,
  sha256,
  signEd25519,
  toHex,
  UrbisError,
  utf8,
  validateAccessRecordMsg,
  validateGrantConsentMsg,
  validatePublishResearchMsg,
  validateRegisterPatientMsg,
  validateRegisterRecordMsg,
} from "@urbis/sdk";
import type { Command } from "commander";
import { connect } from "../client.js";
import { openKey, readKeyFile } from "../home.js";
import { CliError, EXIT, print } from "../output.js";
import { getPassphrase } from "../passphrase.js";
import { homeOf, signAndSubmit, txOptions } from "../sign.js";
import { didArgOf } from "./did.js";

/** A patient's link id: sha256(utf8(salt + "|" + identifiers)), as the health module expects it. */
export function linkIdOf(salt: string, identifiers: string): Uint8Array {
  return sha256(utf8(`${salt}|${identifiers}`));
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A point in time as Unix milliseconds: `now`, a duration from `nowMs` such
 * as `30d`, `12h`, `90m` (units s, m, h, d, w), or an ISO 8601 time with a
 * zone, e.g. `2026-03-01T00:00:00Z`.
 */
export function parseTime(s: string, nowMs: number): bigint {
  const t = s.trim();
  if (t === "now") return BigInt(nowMs);
  const d = /^([0-9]{1,6})([smhdw])$/.exec(t);
  if (d) return BigInt(nowMs + Number(d[1]) * (UNIT_MS[d[2] as string] as number));
  // A zone is required so the same command means the same instant on every machine.
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(t) ? Date.parse(t) : Number.NaN;
  if (Number.isNaN(ms) || ms < 0) {
    throw new CliError(
      `invalid time ${JSON.stringify(s)}: use now, a duration such as 30d, 12h or 90m, or an ISO time such as 2026-03-01T00:00:00Z`,
      EXIT.usage,
    );
  }
  return BigInt(ms);
}

/** 32 bytes given as 64 hex digits. */
export function parseHash(s: string, what: string): Uint8Array {
  if (!/^[0-9a-fA-F]{64}$/.test(s))
    throw new CliError(`${what} must be 64 hex digits, got ${JSON.stringify(s)}`, EXIT.usage);
  return fromHex(s.toLowerCase());
}

/** A comma-separated list, without blanks. */
export function parseList(s: string): string[] {
  return s
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

/** A decimal id (consent, access). */
function parseId(s: string, what: string): bigint {
  if (!/^[0-9]{1,20}$/.test(s)) throw new CliError(`invalid ${what} ${JSON.stringify(s)}`, EXIT.usage);
  return BigInt(s);
}

/**
 * Runs a message's stateless check: a refusal there is the user's mistake
 * (a wrong purpose, type or reason), so it exits `usage` naming the error id.
 */
function checked(validate: () => void): void {
  try {
    validate();
  } catch (e) {
    if (e instanceof UrbisError) throw new CliError(`${e.message} (${e.id})`, EXIT.usage);
    throw e;
  }
}

/** The value of attribute `key` of the first event of `type` in a transaction result. */
function eventAttr(r: SubmitResultJson, type: string, key: string): string | undefined {
  return r.events?.find((e) => e.type === type)?.attributes.find((a) => a.key === key)?.value;
}

/** `extra` for signAndSubmit: the attribute `key` of the first event of one of `types`, printed as `name`. */
function fromEvent(name: string, types: string[], key: string) {
  return (r: SubmitResultJson): Record<string, string> => {
    for (const t of types) {
      const v = eventAttr(r, t, key);
      if (v !== undefined) return { [name]: v };
    }
    return {};
  };
}

/** Registers `urbis tx health` under `tx` and `urbis query health` under `query`. */
export function registerHealth(program: Command, tx: Command, query: Command): void {
  const health = tx
    .command("health")
    .description("health records: patients, the record index, consents, logged reads, research");
  const home = () => homeOf(program);
  const g = () => program.opts();
  const client = () => connect(g().node, home());
  const didArg = (s: string) => didArgOf(home(), s);

  txOptions(health.command("register-patient <patientDid>"))
    .description(
      "register a patient (role health.provider). The link id is sha256(salt|identifiers), computed here: only that hash " +
        "goes on chain, never the salt or the identifiers. The patient co-signs: with --patient-key naming their key in " +
        "this home (its passphrase comes from the same source as --from's: --passphrase-file, URBIS_PASSPHRASE, or a " +
        "second terminal prompt), or with " +
        "--patient-signature made elsewhere over patientRegistrationBytes(chainId, did, linkId, credentialHash)",
    )
    .requiredOption("--link-salt <salt>", "the patient's secret salt")
    .requiredOption("--identifiers <text>", "the patient's identifiers, e.g. national id and birth date")
    .requiredOption("--credential-hash <hex>", "sha256 of the patient credential issued off chain (64 hex digits)")
    .option(
      "--patient-key <key>",
      "the patient's key: a key name in the home (or 64 hex digits with --patient-signature)",
    )
    .option("--patient-signature <hex>", "the patient's Ed25519 signature (128 hex digits), made elsewhere")
    .action(async (d: string, o) => {
      const patientDid = didArg(d);
      const linkId = linkIdOf(o.linkSalt, o.identifiers);
      const credentialHash = parseHash(o.credentialHash, "--credential-hash");
      if (o.patientKey === undefined) {
        throw new CliError(
          "name the patient's key with --patient-key (and --patient-signature if signed elsewhere)",
          EXIT.usage,
        );
      }
      let patientKey: Uint8Array;
      let patientSignature: Uint8Array;
      if (o.patientSignature !== undefined) {
        if (!/^[0-9a-fA-F]{128}$/.test(o.patientSignature)) {
          throw new CliError("--patient-signature must be 128 hex digits", EXIT.usage);
        }
        patientSignature = fromHex(o.patientSignature.toLowerCase());
        patientKey = /^[0-9a-fA-F]{64}$/.test(o.patientKey)
          ? fromHex(o.patientKey.toLowerCase())
          : fromHex(readKeyFile(home(), o.patientKey).publicKey);
        if (!isEd25519VerificationKey(patientKey)) {
          throw new CliError(`${o.patientKey} is not a usable Ed25519 public key`, EXIT.usage);
        }
      } else {
        if (/^[0-9a-fA-F]{64}$/.test(o.patientKey)) {
          throw new CliError("a patient public key given in hex needs --patient-signature", EXIT.usage);
        }
        const key = await openKey(home(), o.patientKey, await getPassphrase(o, `Passphrase for ${o.patientKey}: `));
        const { chainId } = await client().status();
        patientKey = key.publicKey;
        patientSignature = signEd25519(
          patientRegistrationBytes(chainId, patientDid, linkId, credentialHash),
          key.exportSecret(),
        );
      }
      const m = { patientDid, linkId, credentialHash, patientKey, patientSignature };
      checked(() => validateRegisterPatientMsg(m));
      await signAndSubmit(program, o, [registerPatientMsg.wrap(m)], { linkId: toHex(linkId) });
    });

  txOptions(health.command("register-record <patientDid> <fhirType> <contentHash>"))
    .description(
      `index an encrypted record your organization holds (role health.provider); <fhirType> is one of ${FHIR_RESOURCE_TYPES.join(", ")}; prints the record id`,
    )
    .requiredOption("--location <url>", "where the encrypted blob is held, e.g. a node's record store URL")
    .action(async (d: string, fhirType: string, contentHash: string, o) => {
      const m = {
        patientDid: didArg(d),
        fhirType,
        contentHash: parseHash(contentHash, "<contentHash>"),
        location: o.location as string,
      };
      checked(() => validateRegisterRecordMsg(m));
      await signAndSubmit(
        program,
        o,
        [registerRecordMsg.wrap(m)],
        fromEvent("recordId", ["health.record_registered", "health.record_linked"], "recordId"),
      );
    });

  txOptions(health.command("grant-consent <patientDid>"))
    .description(
      "as the patient (--from a key of the patient DID), let an organization or a person read some resource types for " +
        "some purposes in a period; prints the consent id, e.g. 'urbis tx health grant-consent alice --org university " +
        "--types Observation --purposes HRESCH --until 30d --from alice'",
    )
    .option("--org <id>", "grant to an organization: any member may read")
    .option("--person <did>", "grant to one person's DID (or the DID of a key name)")
    .requiredOption("--types <list>", "comma-separated FHIR resource types, e.g. Observation,Condition")
    .requiredOption("--purposes <list>", `comma-separated purposes of use: ${PURPOSES.join(", ")}`)
    .option("--from-time <time>", "start: now, a duration from now (30d, 12h, 90m) or an ISO time", "now")
    .requiredOption("--until <time>", "end: a duration from now (30d, 12h, 90m) or an ISO time")
    .action(async (d: string, o) => {
      if ((o.org === undefined) === (o.person === undefined)) {
        throw new CliError("name the grantee with exactly one of --org <id> or --person <did>", EXIT.usage);
      }
      const now = Date.now();
      const m: GrantConsentMsg = {
        patientDid: didArg(d),
        grantee: o.org !== undefined ? { kind: "org", id: o.org as string } : { kind: "person", id: didArg(o.person) },
        resourceTypes: parseList(o.types),
        purposes: parseList(o.purposes),
        startMs: parseTime(o.fromTime, now),
        endMs: parseTime(o.until, now),
      };
      checked(() => validateGrantConsentMsg(m));
      await signAndSubmit(
        program,
        o,
        [grantConsentMsg.wrap(m)],
        fromEvent("consentId", ["health.consent_granted"], "consentId"),
      );
    });

  txOptions(health.command("revoke-consent <consentId>"))
    .description("as the patient, end a consent now")
    .action(async (id: string, o) => {
      await signAndSubmit(program, o, [revokeConsentMsg.wrap({ consentId: parseId(id, "consent id") })]);
    });

  txOptions(health.command("access <recordId>"))
    .description(
      "log a read of a record before fetching it: as the patient, with --consent, or with --break-glass <reason> " +
        `(role health.emergency, purpose ETREAT; reasons: ${BREAK_GLASS_REASONS.join(", ")}), which alerts the patient; ` +
        "prints the access id the record store asks for",
    )
    .option("--reader <did>", "the reader's DID, whose key signs (default: the DID of the --from key)")
    .requiredOption("--purpose <code>", `purpose of use: ${PURPOSES.join(", ")}`)
    .option("--consent <id>", "the consent that allows the read")
    .option("--break-glass <reason>", "emergency read without consent, with a reason code")
    .action(async (recordId: string, o) => {
      if (o.consent !== undefined && o.breakGlass !== undefined) {
        throw new CliError("give --consent or --break-glass, not both", EXIT.usage);
      }
      const readerDid = didArg(o.reader ?? (o.from as string));
      const m = {
        recordId: parseHash(recordId, "<recordId>"),
        readerDid,
        purpose: o.purpose as string,
        consentId: o.consent === undefined ? undefined : parseId(o.consent, "consent id"),
        breakGlass: o.breakGlass !== undefined,
        reason: o.breakGlass as string | undefined,
      };
      checked(() => validateAccessRecordMsg(m));
      await signAndSubmit(
        program,
        o,
        [accessRecordMsg.wrap(m)],
        fromEvent("accessId", ["health.accessed"], "accessId"),
      );
    });

  txOptions(health.command("publish-research <kind> [documentHash]"))
    .description(
      `register a publication by its sha256 (${RESEARCH_KINDS.join(", ")}; drug approvals need health.regulator, ` +
        "the others health.researcher or health.provider); give the hash or --file to hash a document here",
    )
    .option("--file <path>", "hash this file here instead of giving <documentHash>")
    .requiredOption("--title <text>", "title")
    .option("--uri <uri>", "where the document can be read")
    .action(async (kind: string, hash: string | undefined, o) => {
      if (!(RESEARCH_KINDS as readonly string[]).includes(kind)) {
        throw new CliError(`<kind> must be one of ${RESEARCH_KINDS.join(", ")}`, EXIT.usage);
      }
      if ((hash === undefined) === (o.file === undefined)) {
        throw new CliError("give exactly one of <documentHash> or --file <path>", EXIT.usage);
      }
      let documentHash: Uint8Array;
      if (hash !== undefined) documentHash = parseHash(hash, "<documentHash>");
      else {
        try {
          documentHash = sha256(readFileSync(o.file as string));
        } catch (e) {
          throw new CliError(`cannot read ${o.file}: ${(e as Error).message}`, EXIT.usage);
        }
      }
      const m = {
        kind: kind as ResearchKind,
        documentHash,
        title: o.title as string,
        uri: o.uri as string | undefined,
      };
      checked(() => validatePublishResearchMsg(m));
      await signAndSubmit(program, o, [publishResearchMsg.wrap(m)], { documentHash: toHex(documentHash) });
    });

  // ---- queries

  const q = query
    .command("health")
    .description("health module state: patients, records, consents, access log, research");
  const ask = async (name: string, params: Record<string, string | undefined>) => {
    const p: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) if (v !== undefined) p[k] = v;
    return client().moduleQuery("health", name, p);
  };
  const show = (v: unknown) => print(v, g().json);
  /** Adds --after and --limit to a list query. */
  const paged = (c: Command, after: string) =>
    c
      .option("--after <id>", `list after this ${after} (the 'next' of the previous page)`)
      .option("--limit <n>", "entries per page (default 100, at most 500)");
  /** A consent's JSON with its status now (active, pending, expired, revoked) added. */
  const withStatus = (c: ConsentJson) => ({ ...c, status: consentStatus(c, BigInt(Date.now())) });

  q.command("patient [did]")
    .description(
      "a registered patient, by DID (or key name), or by link id: --link-id, or --link-salt with --identifiers hashed here",
    )
    .option("--link-id <hex>", "the patient's link id")
    .option("--link-salt <salt>", "the patient's salt (with --identifiers)")
    .option("--identifiers <text>", "the patient's identifiers (with --link-salt)")
    .action(async (d: string | undefined, o) => {
      const bySalt = o.linkSalt !== undefined || o.identifiers !== undefined;
      if ([d !== undefined, o.linkId !== undefined, bySalt].filter(Boolean).length !== 1) {
        throw new CliError("name the patient by <did>, by --link-id, or by --link-salt and --identifiers", EXIT.usage);
      }
      if (d !== undefined) return show(await ask("patient", { did: didArg(d) }));
      if (bySalt && (o.linkSalt === undefined || o.identifiers === undefined)) {
        throw new CliError("--link-salt and --identifiers go together", EXIT.usage);
      }
      const linkId = bySalt ? linkIdOf(o.linkSalt, o.identifiers) : parseHash(o.linkId, "--link-id");
      show(await ask("patient_by_link", { linkId: toHex(linkId) }));
    });

  q.command("record <recordId>")
    .description("an indexed record: patient, custodian, type, content hash, location, links")
    .action(async (id: string) => show(await ask("record", { id: toHex(parseHash(id, "<recordId>")) })));

  paged(q.command("records <patientDid>"), "record id")
    .description("a patient's records")
    .action(async (d: string, o) =>
      show(await ask("records", { patientDid: didArg(d), after: o.after, limit: o.limit })),
    );

  q.command("consent <consentId>")
    .description("a consent, with its status now")
    .action(async (id: string) => {
      const r = await ask("consent", { id: parseId(id, "consent id").toString() });
      show({ ...r, value: withStatus(r.value as ConsentJson) });
    });

  paged(q.command("consents [patientDid]"), "consent id")
    .description("a patient's consents, or those granted to --org or --person, with their status now")
    .option("--org <id>", "consents granted to this organization")
    .option("--person <did>", "consents granted to this person")
    .action(async (d: string | undefined, o) => {
      if ([d, o.org, o.person].filter((x) => x !== undefined).length !== 1) {
        throw new CliError("name exactly one of <patientDid>, --org or --person", EXIT.usage);
      }
      const who =
        d !== undefined
          ? { patientDid: didArg(d) }
          : o.org !== undefined
            ? { granteeKind: "org", grantee: o.org as string }
            : { granteeKind: "person", grantee: didArg(o.person) };
      const r = await ask("consents", { ...who, after: o.after, limit: o.limit });
      const v = r.value as { consents: ConsentJson[]; next?: string };
      show({ ...r, value: { ...v, consents: v.consents.map(withStatus) } });
    });

  q.command("access <accessId>")
    .description("one logged read")
    .action(async (id: string) => show(await ask("access", { id: parseId(id, "access id").toString() })));

  paged(q.command("access-log <patientDid>"), "access id")
    .description("every logged read of a patient's records")
    .action(async (d: string, o) =>
      show(await ask("access_log", { patientDid: didArg(d), after: o.after, limit: o.limit })),
    );

  paged(q.command("alerts <patientDid>"), "access id")
    .description("a patient's break-glass reads")
    .action(async (d: string, o) =>
      show(await ask("alerts", { patientDid: didArg(d), after: o.after, limit: o.limit })),
    );

  q.command("research <documentHash>")
    .description("a publication by document hash")
    .action(async (h: string) => show(await ask("research", { documentHash: toHex(parseHash(h, "<documentHash>")) })));

  paged(q.command("research-list"), "sequence number")
    .description("publications in publication order")
    .action(async (o) => show(await ask("research_list", { after: o.after, limit: o.limit })));
}
