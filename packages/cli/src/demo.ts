/**
 * The demo city: well-known, deterministic keys for a treasury, two citizens
 * and one administrator per founding organization (city hall, a hospital, a
 * bank, the water utility, the university, the transit authority, a pharma
 * cooperative and the property registry). Their secrets are public (derived
 * from their names), so the demo network must never hold anything of value.
 */
import { KeyPair, sha256, utf8 } from "@urbis/sdk";
import { DEFAULT_CURRENCY, type GenesisSpec, type GovernanceSpec, type OrganizationSpec } from "./genesis.js";

/** Passphrase of the demo keys' keystore files. */
export const DEMO_PASSPHRASE = "demo";

/** Demo accounts and their opening balances in UCC. */
export const DEMO_ACCOUNTS = [
  { name: "treasury", ucc: 1_000_000_000n, creator: true },
  { name: "hospital", ucc: 1_000_000n, creator: false },
  { name: "bank", ucc: 10_000_000n, creator: true },
  { name: "alice", ucc: 1_000n, creator: false },
  { name: "bob", ucc: 1_000n, creator: false },
  { name: "city-hall", ucc: 100_000n, creator: false },
  { name: "water-utility", ucc: 100_000n, creator: false },
  { name: "university", ucc: 100_000n, creator: false },
  { name: "transit-authority", ucc: 100_000n, creator: false },
  { name: "pharma-coop", ucc: 100_000n, creator: false },
  { name: "property-registry", ucc: 100_000n, creator: false },
] as const;

/** A founding organization of the demo city; `admin` names the demo key that administers it. */
export interface DemoOrganization {
  id: string;
  name: string;
  sector: string;
  admin: (typeof DEMO_ACCOUNTS)[number]["name"];
  /** Roles delegated to it at genesis, each also granted to its admin. */
  roles: string[];
}

/** The demo city's founding organizations, in validator order (node i of a testnet runs organization i). */
export const DEMO_ORGANIZATIONS: readonly DemoOrganization[] = [
  {
    id: "city-hall",
    name: "City Hall",
    sector: "government",
    admin: "city-hall",
    roles: ["vote.organizer", "health.regulator"],
  },
  {
    id: "general-hospital",
    name: "General Hospital",
    sector: "health",
    admin: "hospital",
    roles: ["health.provider", "health.emergency"],
  },
  { id: "city-bank", name: "City Bank", sector: "finance", admin: "bank", roles: ["finance.issuer"] },
  { id: "water-utility", name: "Water Utility", sector: "utilities", admin: "water-utility", roles: [] },
  { id: "university", name: "City University", sector: "education", admin: "university", roles: ["health.researcher"] },
  { id: "transit-authority", name: "Transit Authority", sector: "transport", admin: "transit-authority", roles: [] },
  {
    id: "pharma-coop",
    name: "Pharma Cooperative",
    sector: "pharma",
    admin: "pharma-coop",
    roles: ["pharma.manufacturer"],
  },
  {
    id: "property-registry",
    name: "Property Registry",
    sector: "real_estate",
    admin: "property-registry",
    roles: ["realestate.registrar"],
  },
];

/** The deterministic key of a demo account. */
export function demoKey(name: string): KeyPair {
  return KeyPair.fromSecret(sha256(utf8(`urbis-demo-key/${name}`)));
}

/** The demo organizations as genesis entries: each administered by its demo key, which holds its delegated roles. */
export function demoOrganizations(): OrganizationSpec[] {
  return DEMO_ORGANIZATIONS.map((o) => {
    const admin = demoKey(o.admin).address;
    return {
      id: o.id,
      name: o.name,
      sector: o.sector,
      admins: [admin],
      delegations: [...o.roles],
      grants: o.roles.map((role) => ({ member: admin, role })),
    };
  });
}

/**
 * Genesis inputs of the demo city. The treasury module account holds a tenth
 * of the accounts' total, for treasury-spend proposals to pay from.
 * `governance` overrides the default parameters (e.g. short periods for tests).
 */
export function demoGenesisSpec(chainId = "urbis-demo-1", governance?: GovernanceSpec): GenesisSpec {
  const unit = 10n ** BigInt(DEFAULT_CURRENCY.decimals);
  const balances = DEMO_ACCOUNTS.map((a) => ({ address: demoKey(a.name).address, amount: a.ucc * unit }));
  const total = balances.reduce((sum, b) => sum + b.amount, 0n);
  return {
    chainId,
    genesisTime: new Date(),
    currency: DEFAULT_CURRENCY,
    treasury: demoKey("treasury").address,
    balances,
    treasuryFunds: total / 10n,
    assetCreators: DEMO_ACCOUNTS.filter((a) => a.creator).map((a) => demoKey(a.name).address),
    organizations: demoOrganizations(),
    ...(governance ? { governance } : {}),
  };
}
