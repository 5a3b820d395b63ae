/**
 * End to end through the real CLI, once per engine: `urbis init --demo`
 * (`--engine cometbft`: a single-validator CometBFT home), `urbis start` as a
 * child process on free loopback ports, then transactions and queries through
 * `urbis tx` / `urbis query`, checking output and exit codes — the same
 * commands and answers whichever engine runs.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { decodeAddress } from "@urbis/protocol";
import { freePort } from "./helpers/cli-demo.js";

const MAIN = new URL("../packages/cli/src/main.ts", import.meta.url).pathname;

for (const engine of ["solo", "cometbft"] as const)
  describe(`urbis CLI against a running ${engine} node`, () => {
    let home: string;
    let node: ChildProcess;
    let url: string;
    const env = () => ({ ...process.env, URBIS_HOME: home, URBIS_PASSPHRASE: "demo" });
    const urbis = (...args: string[]) => {
      const r = spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], { env: env(), encoding: "utf8" });
      return { code: r.status, out: r.stdout, err: r.stderr, json: () => JSON.parse(r.stdout) };
    };

    before(async () => {
      home = mkdtempSync(join(tmpdir(), "urbis-cli-"));
      // base (p2p), base+1 (RPC), base+2 (API): free together, as `urbis testnet` lays a node out.
      const base = await freePort();
      const port = base + 2;
      const cometArgs =
        engine === "cometbft"
          ? ["--engine", "cometbft", "--rpc-port", String(base + 1), "--p2p-port", String(base)]
          : [];
      const init = urbis("init", "--demo", "--port", String(port), "--block-interval", "200", ...cometArgs, "--json");
      assert.equal(init.code, 0, init.err);
      assert.equal(init.json().accounts.length, 11);
      node = spawn(process.execPath, ["--import", "tsx", MAIN, "start", "--json"], {
        env: env(),
        stdio: ["ignore", "pipe", "pipe"],
      });
      url = await new Promise<string>((resolve, reject) => {
        let buf = "";
        node.stdout?.on("data", (d) => {
          buf += d;
          const m = /"api":\s*"([^"]+)"/.exec(buf);
          if (m) resolve(m[1] as string);
        });
        node.once("exit", (c) => reject(new Error(`node exited ${c}`)));
      });
    });

    after(async () => {
      if (node && node.exitCode === null) {
        const exited = new Promise((r) => node.once("exit", r));
        node.kill("SIGTERM");
        await exited;
      }
      rmSync(home, { recursive: true, force: true });
    });

    it("status shows the demo chain", () => {
      const r = urbis("status", "--json");
      assert.equal(r.code, 0, r.err);
      assert.equal(r.json().chainId, "urbis-demo-1");
      assert.equal(r.json().engine, engine);
      assert.ok(url.startsWith("http://127.0.0.1:"));
    });

    it("keys list shows the demo keys without secrets", () => {
      const r = urbis("keys", "list", "--json");
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(
        r.json().map((k: { name: string }) => k.name),
        [
          "alice",
          "bank",
          "bob",
          "city-hall",
          "hospital",
          "pharma-coop",
          "property-registry",
          "transit-authority",
          "treasury",
          "university",
          "water-utility",
        ],
      );
      assert.ok(!r.out.includes("ciphertext"));
    });

    it("sends the city currency and sees it committed", () => {
      const before = urbis("query", "balance", "bob", "ucity", "--json").json();
      const r = urbis("tx", "bank", "send", "bob", "2500000ucity", "--from", "alice", "--json");
      assert.equal(r.code, 0, r.err);
      const res = r.json();
      assert.equal(res.code, 0);
      assert.ok(res.height);
      const afterBal = urbis("query", "balance", "bob", "ucity", "--json").json();
      const amount = (j: unknown) => BigInt(JSON.stringify(j).match(/"amount":"(\d+)"/)?.[1] ?? "0");
      assert.equal(amount(afterBal) - amount(before), 2_500_000n);
      const tx = urbis("query", "tx", res.hash, "--json");
      assert.equal(tx.code, 0, tx.err);
      assert.equal(tx.json().hash, res.hash);
    });

    it("reads a raw state value with a proof verified locally", () => {
      const acct = urbis("query", "account", "alice", "--json");
      assert.equal(acct.code, 0, acct.err);
      // auth/acc/<20 address bytes> holds alice's sequence record.
      const key = Buffer.concat([Buffer.from("auth/acc/"), Buffer.from(decodeAddress(acct.json().address))]);
      const r = urbis("query", "state", key.toString("hex"), "--json");
      assert.equal(r.code, 0, r.err);
      assert.equal(r.json().verified.key, key.toString("hex"));
      assert.ok(r.json().verified.value);
    });

    it("a refused transaction exits 3 with the chain's error code", () => {
      const r = urbis("tx", "bank", "send", "bob", "999999999999999999ucity", "--from", "alice", "--json");
      assert.equal(r.code, 3, r.out + r.err);
      assert.match(r.err + r.out, /insufficient_funds|"codespace":\s*"bank"/);
    });

    it("bad usage exits 2, a missing key 5, an unreachable node 4", async () => {
      assert.equal(urbis("tx", "bank", "send", "bob", "12.5ucity", "--from", "alice").code, 2);
      assert.equal(urbis("keys", "show", "nobody").code, 5);
      const closed = await freePort();
      const r = urbis("status", "--node", `http://127.0.0.1:${closed}`);
      assert.equal(r.code, 4, r.err);
      assert.match(r.err, /sdk\/6/);
    });
  });
