/** The CLI's view of a node: the SDK client, plus proof verification for raw state. */
import { existsSync } from "node:fs";
import { UrbisClient, verifyStateAnswer } from "@urbis/sdk";
import { homePaths, readConfig } from "./home.js";

/** The SDK client of --node, or of the API address in the home's config, or of the default. */
export function sdkClient(nodeUrl: string | undefined, home: string): UrbisClient {
  let url = nodeUrl;
  if (!url && existsSync(homePaths(home).config)) {
    const c = readConfig(home);
    url = `http://${c.api.host === "0.0.0.0" ? "127.0.0.1" : c.api.host}:${c.api.port}`;
  }
  return new UrbisClient({ baseUrl: url ?? "http://127.0.0.1:8680" });
}

/** Connects to --node, or to the API address in the home's config, or to the default. */
export function connect(nodeUrl: string | undefined, home: string) {
  const client = sdkClient(nodeUrl, home);
  return {
    status: () => client.status(),
    account: (address: string) => client.account(address),
    submit: (tx: Uint8Array, wait: "check" | "commit") => client.submitTx(tx, { wait }),
    moduleQuery: (module: string, name: string, params: Record<string, string>) => client.query(module, name, params),
    block: (height?: string) => client.block(height ?? "latest"),
    tx: (hash: string) => client.tx(hash),
    /** Fetches a value with its proof and checks the proof here, against the app hash of that height. */
    async verifiedState(keyHex: string, height?: string) {
      const answer = await client.state(keyHex, { prove: true, ...(height ? { height } : {}) });
      const verified = verifyStateAnswer(keyHex, answer);
      return { ...answer, verified };
    },
  };
}
