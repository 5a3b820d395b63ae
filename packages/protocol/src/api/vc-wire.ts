/**
 * Wire schemas of the verifiable credentials routes (`/v1/vc/...`). They
 * describe exactly what the `vc/*` queries and the shared verification core
 * (`verifyCredentialWith`) answer. Browser-safe: TypeBox only.
 */
import { type Static, Type } from "@sinclair/typebox";

const Purpose = Type.Union([Type.Literal("revocation"), Type.Literal("suspension")]);

/** A credential as posted for verification: any JSON object (its shape is what verification checks). */
export const CredentialBodyWire = Type.Unsafe<Record<string, unknown>>({
  type: "object",
  additionalProperties: true,
  description: "A VC Data Model 2.0 credential with an eddsa-jcs-2022 Data Integrity proof.",
});

/** A credential that verified. */
export const CredentialVerificationWire = Type.Object(
  {
    verified: Type.Literal(true),
    issuer: Type.String({ description: "The issuer's did:urbis DID." }),
    types: Type.Array(Type.String(), {
      description: "Its types beyond VerifiableCredential, each trusted for the issuer.",
    }),
    verificationMethod: Type.String(),
    status: Type.Array(Type.Object({ listId: Type.String(), index: Type.Integer(), purpose: Purpose })),
    atMs: Type.String({
      description:
        "The time (Unix ms) the validity period was checked at: the node's clock, never before the latest block's time.",
    }),
    height: Type.String({ description: "The state height the chain was read at." }),
  },
  { title: "CredentialVerification" },
);

/** The trusted issuer registry. */
export const TrustedIssuerListWire = Type.Object(
  {
    issuers: Type.Array(
      Type.Object({
        credentialType: Type.String(),
        issuerDid: Type.String(),
        height: Type.String({ description: "Block that added the entry." }),
        timeMs: Type.String(),
      }),
    ),
  },
  { title: "TrustedIssuerList" },
);

const Stamp = Type.Object({ height: Type.String(), timeMs: Type.String() });

/** An on-chain status list and its W3C BitstringStatusListCredential form. */
export const StatusListWire = Type.Object(
  {
    listId: Type.String(),
    issuerDid: Type.String(),
    purpose: Purpose,
    length: Type.Integer({ description: "Bits." }),
    created: Stamp,
    updated: Stamp,
    credential: Type.Object(
      {
        "@context": Type.Array(Type.String()),
        id: Type.String(),
        type: Type.Array(Type.String()),
        issuer: Type.String(),
        validFrom: Type.String(),
        credentialSubject: Type.Object({
          id: Type.String(),
          type: Type.Literal("BitstringStatusList"),
          statusPurpose: Purpose,
          encodedList: Type.String({ description: "Multibase base64url (u…) of the GZIP of the bitstring." }),
        }),
      },
      { description: "Unsigned: the chain's state proofs, not a key, vouch for the list." },
    ),
  },
  { title: "StatusList" },
);

/** One bit of a status list. */
export const StatusBitWire = Type.Object(
  {
    listId: Type.String(),
    index: Type.Integer(),
    issuerDid: Type.String(),
    purpose: Purpose,
    length: Type.Integer(),
    value: Type.Boolean({ description: "True: revoked (revocation list) or suspended (suspension list)." }),
  },
  { title: "StatusBit" },
);

/** A credential verification on the wire. */
export type CredentialVerificationJson = Static<typeof CredentialVerificationWire>;
/** The trusted issuer registry on the wire. */
export type TrustedIssuerListJson = Static<typeof TrustedIssuerListWire>;
/** A status list on the wire. */
export type StatusListJson = Static<typeof StatusListWire>;
/** One status bit on the wire. */
export type StatusBitJson = Static<typeof StatusBitWire>;
