/**
 * `urbis tx org …` and `urbis query org …`: what an organization's admins do
 * themselves (members, admins, role grants within the delegation). Admission,
 * suspension, removal and role delegation are governance proposals
 * (`urbis tx gov propose org-admit …`).
 */
import { addMemberMsg, grantRoleMsg, removeMemberMsg, revokeRoleMsg, setAdminsMsg } from "@urbis/sdk";
import type { Command } from "commander";
import { connect } from "../client.js";
import { print } from "../output.js";
import { homeOf, resolveAddress, signAndSubmit, txOptions } from "../sign.js";

/** Registers `urbis tx org` under `tx` and `urbis query org|orgs|member|roles` under `query`. */
export function registerOrg(program: Command, tx: Command, query: Command): void {
  const org = tx.command("org").description("an organization's members, admins and role grants (admins only)");
  const home = () => homeOf(program);
  const addr = (s: string) => resolveAddress(home(), s);

  txOptions(org.command("add-member <org> <member>"))
    .description(
      "add an account that belongs to no organization, e.g. 'urbis tx org add-member general-hospital dr-lee --from hospital'",
    )
    .action((id: string, member: string, o) =>
      signAndSubmit(program, o, [addMemberMsg.wrap({ id, member: addr(member) })]),
    );

  txOptions(org.command("remove-member <org> <member>"))
    .description("remove a member (its role grants go with it)")
    .action((id: string, member: string, o) =>
      signAndSubmit(program, o, [removeMemberMsg.wrap({ id, member: addr(member) })]),
    );

  txOptions(org.command("set-admins <org> <admins...>"))
    .description("replace the organization's admins (1 to 16; each a member of it or of no organization)")
    .action((id: string, admins: string[], o) =>
      signAndSubmit(program, o, [setAdminsMsg.wrap({ id, admins: admins.map(addr) })]),
    );

  txOptions(org.command("grant-role <org> <member> <role>"))
    .description("grant a role governance delegated to the organization, e.g. health.provider, to one of its members")
    .action((id: string, member: string, role: string, o) =>
      signAndSubmit(program, o, [grantRoleMsg.wrap({ id, member: addr(member), role })]),
    );

  txOptions(org.command("revoke-role <org> <member> <role>"))
    .description("revoke a role from a member")
    .action((id: string, member: string, role: string, o) =>
      signAndSubmit(program, o, [revokeRoleMsg.wrap({ id, member: addr(member), role })]),
    );

  const g = () => program.opts();
  const client = () => connect(g().node, home());
  query
    .command("org <id>")
    .description("an organization: sector, admins, status, member count, delegated roles")
    .action(async (id: string) => print(await client().moduleQuery("org", "organization", { id }), g().json));
  query
    .command("orgs")
    .description("every organization")
    .option("--status <status>", "only active, suspended or removed ones")
    .action(async (o) =>
      print(await client().moduleQuery("org", "organizations", o.status ? { status: o.status } : {}), g().json),
    );
  query
    .command("org-members <id>")
    .description("the members of an organization")
    .action(async (id: string) => print(await client().moduleQuery("org", "members", { id }), g().json));
  query
    .command("member <addressOrKey>")
    .description("which organization an account belongs to, whether it is an admin, and its roles")
    .action(async (a: string) => print(await client().moduleQuery("org", "member", { address: addr(a) }), g().json));
}
