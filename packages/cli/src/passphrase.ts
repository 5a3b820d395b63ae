/** Where passphrases come from: a file, the environment, or a hidden prompt. */
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { CliError, EXIT } from "./output.js";

/** Reads the passphrase from --passphrase-file, $URBIS_PASSPHRASE or the terminal. */
export async function getPassphrase(opts: { passphraseFile?: string }, prompt = "Passphrase: "): Promise<string> {
  if (opts.passphraseFile) return readFileSync(opts.passphraseFile, "utf8").replace(/\r?\n$/, "");
  const env = process.env.URBIS_PASSPHRASE;
  if (env !== undefined) return env;
  if (!process.stdin.isTTY) {
    throw new CliError("no passphrase: use --passphrase-file, URBIS_PASSPHRASE or a terminal", EXIT.usage);
  }
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // Hide typed characters: readline echoes through _writeToOutput.
    const r = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
    r._writeToOutput = (s: string) => {
      if (s.includes(prompt)) r.output.write(prompt);
    };
    rl.question(prompt, (answer) => {
      rl.close();
      process.stderr.write("\n");
      resolve(answer);
    });
  });
}
