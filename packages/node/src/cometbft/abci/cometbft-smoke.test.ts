/**
 * Smoke test against a real CometBFT v0.38 node: it drives our ABCI server
 * through the handshake (InitChain with our genesis app_state), makes blocks,
 * and commits one real signed transfer sent through its RPC.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import { fromUtf8, toHex, utf8 } from "@urbis/protocol";
import { authModule, bankModule, UrbisApp } from "@urbis/state";
import { LmdbCommitStore } from "@urbis/store";
import { nativeEd25519Verifier } from "../../crypto/ed25519.js";
import { DRIVER_DENOM, driverAccount, driverGenesis, signedTransfer } from "./driver.js";
import { startAbciServer } from "./server.js";

const repoRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../../..");
const cometbft = process.env.URBIS_COMETBFT ?? join(repoRoot, ".tools", "bin", "cometbft");
const skip = existsSync(cometbft)
  ? false
  : `CometBFT binary not found at ${cometbft} (install it with scripts/ensure-cometbft, or set URBIS_COMETBFT)`;

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/** Sets `key = value` in one section of a TOML file ("" = the top level, before any section). */
function setToml(text: string, section: string, key: string, value: string): string {
  const lines = text.split("\n");
  let current = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const header = /^\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      current = header[1]!;
      continue;
    }
    if (current === section && new RegExp(`^${key}\\s*=`).test(line)) {
      lines[i] = `${key} = ${value}`;
      return lines.join("\n");
    }
  }
  throw new Error(`config.toml has no ${section}.${key}`);
}

async function rpc(url: string, method: string, params: Record<string, unknown> = {}): Promise<any> {
  const r = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await r.json()) as { result?: unknown; error?: unknown };
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

async function waitForHeight(url: string, height: number, proc: ChildProcess, ms: number): Promise<number> {
  const end = Date.now() + ms;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`cometbft exited with code ${proc.exitCode}`);
    try {
      const status = await rpc(url, "status");
      const h = Number(status.sync_info.latest_block_height);
      if (h >= height) return h;
    } catch {
      // RPC not up yet.
    }
    if (Date.now() > end) throw new Error(`no block ${height} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it("a real CometBFT node drives the app over ABCI and commits a signed transfer", {
  skip,
  timeout: 120_000,
}, async () => {
  const home = mkdtempSync(join(tmpdir(), "urbis-comet-"));
  const alice = driverAccount(0);
  const bob = driverAccount(1);
  const genesis = driverGenesis([alice, bob], "urbis-smoke");
  const init = spawnSync(cometbft, ["init", "--home", home], { encoding: "utf8" });
  assert.equal(init.status, 0, init.stderr);

  // Genesis: our chain id and app state; CometBFT's generated validator stays.
  const genesisPath = join(home, "config", "genesis.json");
  const doc = JSON.parse(readFileSync(genesisPath, "utf8"));
  doc.chain_id = genesis.chainId;
  doc.initial_height = genesis.initialHeight;
  doc.app_state = genesis.appState;
  writeFileSync(genesisPath, JSON.stringify(doc, null, 2));

  const sock = join(home, "app.sock");
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const configPath = join(home, "config", "config.toml");
  let config = readFileSync(configPath, "utf8");
  config = setToml(config, "", "proxy_app", JSON.stringify(`unix://${sock}`));
  config = setToml(config, "rpc", "laddr", JSON.stringify(`tcp://127.0.0.1:${rpcPort}`));
  config = setToml(config, "p2p", "laddr", JSON.stringify(`tcp://127.0.0.1:${p2pPort}`));
  config = setToml(config, "p2p", "pex", "false");
  config = setToml(config, "consensus", "timeout_commit", JSON.stringify("200ms"));
  writeFileSync(configPath, config);

  const store = new LmdbCommitStore(join(home, "state"), { noSync: true });
  const app = new UrbisApp({ store, modules: [authModule(), bankModule()], verifier: nativeEd25519Verifier });
  const fatals: unknown[] = [];
  const logs: Record<string, unknown>[] = [];
  const server = await startAbciServer({
    address: `unix://${sock}`,
    app,
    onFatal: (e) => fatals.push(e),
    log: (o) => logs.push(o),
  });
  const logPath = join(home, "cometbft.log");
  const out = openSync(logPath, "w");
  const proc = spawn(cometbft, ["node", "--home", home], { stdio: ["ignore", out, out] });
  const url = `http://127.0.0.1:${rpcPort}`;
  try {
    await waitForHeight(url, 3, proc, 60_000);
    assert.equal(server.connections(), 4, "CometBFT opened its four ABCI connections");

    const tx = signedTransfer(genesis.chainId, alice, 0n, bob.address, 12_345n);
    const res = await rpc(url, "broadcast_tx_commit", { tx: Buffer.from(tx).toString("base64") });
    assert.equal(res.check_tx.code, 0, res.check_tx.log);
    assert.equal(res.tx_result.code, 0, res.tx_result.log);
    assert.ok(Number(res.height) >= 1);
    assert.ok(res.tx_result.events.some((e: { type: string }) => e.type.length > 0));

    // The transfer is in the state, as read back through CometBFT's abci_query.
    const q = await rpc(url, "abci_query", {
      path: "/bank/balance",
      data: toHex(utf8(JSON.stringify({ address: bob.address, denom: DRIVER_DENOM }))),
    });
    assert.equal(q.response.code, 0, q.response.log);
    const answer = JSON.parse(fromUtf8(Buffer.from(q.response.value, "base64")));
    assert.equal(answer.amount, String(1_000_000_000n + 12_345n));

    // CometBFT's header carries the app hash our app computed.
    const info = (await rpc(url, "abci_info")).response;
    assert.equal(info.data, "urbis");
    const next = Number(info.last_block_height) + 1;
    await waitForHeight(url, next, proc, 10_000);
    const block = await rpc(url, "block", { height: String(next) });
    const appHash = Buffer.from(info.last_block_app_hash, "base64");
    assert.equal(block.block.header.app_hash, toHex(appHash).toUpperCase());
    assert.deepEqual(fatals, []);
  } catch (e) {
    const tail = readFileSync(logPath, "utf8").split("\n").slice(-40).join("\n");
    console.error(
      `cometbft log (last lines):\n${tail}\nABCI server log:\n${logs.map((l) => JSON.stringify(l)).join("\n")}`,
    );
    throw e;
  } finally {
    const exited = new Promise<void>((r) => (proc.exitCode !== null ? r() : proc.once("exit", () => r())));
    proc.kill("SIGTERM");
    const killer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(killer);
    await server.close();
    await store.close();
    rmSync(home, { recursive: true, force: true });
  }
});
