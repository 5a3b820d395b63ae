/** `urbis keys`: encrypted keys in the home folder. */
import { readFileSync } from "node:fs";
import { decryptKey, KeyPair, type KeystoreFile, toHex } from "@urbis/sdk";
import type { Command } from "commander";
import { defaultHome, listKeys, openKey, readKeyFile, saveKey } from "../home.js";
import { CliError, EXIT, print } from "../output.js";
import { getPassphrase } from "../passphrase.js";

/** Registers `urbis keys`. */
export function registerKeys(program: Command): void {
  const keys = program.command("keys").description("manage keys, encrypted at rest with scrypt + XChaCha20-Poly1305");
  const home = () => program.opts().home ?? defaultHome();
  const json = () => Boolean(program.opts().json);

  keys
    .command("add <name>")
    .description("create a new key (or --recover one from a hex secret read from --secret-file)")
    .option("--secret-file <file>", "recover from a 32-byte hex secret in this file")
    .option("--passphrase-file <file>", "file holding the passphrase")
    .action(async (name: string, o) => {
      const key = o.secretFile ? KeyPair.fromSecret(readFileSync(o.secretFile, "utf8")) : KeyPair.generate();
      const pass = await getPassphrase(o, `Passphrase for ${name}: `);
      if (pass.length < 4) throw new CliError("choose a passphrase of at least 4 characters", EXIT.usage);
      await saveKey(home(), name, key, pass);
      print({ name, address: key.address, publicKey: key.publicKeyHex }, json());
    });

  keys
    .command("list")
    .description("list keys")
    .action(() => {
      print(
        listKeys(home()).map((k) => ({ name: k.name, address: k.address })),
        json(),
      );
    });

  keys
    .command("show <name>")
    .description("show a key's address and public key")
    .action((name: string) => {
      const k = readKeyFile(home(), name);
      print({ name: k.name, address: k.address, publicKey: k.publicKey }, json());
    });

  keys
    .command("export <name>")
    .description("print the encrypted keystore file, or with --unsafe-secret the raw secret")
    .option("--unsafe-secret", "print the unencrypted secret key (asks for the passphrase)")
    .option("--passphrase-file <file>", "file holding the passphrase")
    .action(async (name: string, o) => {
      if (!o.unsafeSecret) {
        process.stdout.write(`${JSON.stringify(readKeyFile(home(), name), null, 2)}\n`);
        return;
      }
      const key = await openKey(home(), name, await getPassphrase(o));
      print({ name, address: key.address, secret: toHex(key.exportSecret()) }, json());
    });

  keys
    .command("import <name> <file>")
    .description("import a keystore file exported by 'urbis keys export' (checks the passphrase)")
    .option("--passphrase-file <file>", "file holding the passphrase")
    .action(async (name: string, file: string, o) => {
      const ks = JSON.parse(readFileSync(file, "utf8")) as KeystoreFile;
      const pass = await getPassphrase(o);
      const key = await decryptKey(ks, pass);
      await saveKey(home(), name, key, pass);
      print({ name, address: key.address }, json());
    });
}
