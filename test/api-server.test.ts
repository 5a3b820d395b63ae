/**
 * The REST API end to end: the real Fastify server on 127.0.0.1:0 in front of
 * a real solo node (LMDB stores in a temp dir), driven through the SDK client
 * and raw fetch. Bad input must always get a 4xx with a registered error body,
 * never a 500.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { NodeErrors } from "@urbis/node";
import {
  ApiErrors,
  base64ToBytes,
  bytesToBase64,
  type ErrorBody,
  fromHex,
  routeList,
  type StreamItemJson,
  TxErrors,
  toHex,
  verifyProof,
} from "@urbis/protocol";
import { isError, UrbisApiError } from "@urbis/sdk";
import { accountKey } from "@urbis/state";
import fc from "fast-check";
import { type ApiNode, startApiNode, stopApiNode } from "./helpers/api-node.js";
import { TEST_DENOM, type TestAccount, testAccounts, testGenesis, transferTx } from "./helpers/solo-chain.js";

type Fixture = ApiNode;

function startFixture(
  accounts: TestAccount[],
  apiOpts: { perSecond?: number; bodyLimit?: number; blockIntervalMs?: number; verifierWorkers?: number } = {},
): Promise<Fixture> {
  return startApiNode(testGenesis({ accounts }), apiOpts);
}

const stopFixture = stopApiNode;

/** A raw request; returns status, headers and the parsed JSON body (or text). */
async function raw(
  url: string,
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(`${url}${path}`, {
    method: init.method ?? "GET",
    ...(init.body === undefined ? {} : { body: init.body }),
    headers: init.headers ?? {},
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (metrics text, say).
  }
  return { status: res.status, headers: res.headers, body };
}

/** Asserts an error answer: status, registered (codespace, name), and the error body shape. */
function assertError(r: { status: number; body: any }, status: number, codespace: string, name: string): ErrorBody {
  assert.equal(r.status, status, `expected ${status} ${codespace}.${name}, got ${r.status} ${JSON.stringify(r.body)}`);
  const e = (r.body as ErrorBody).error;
  assert.ok(e, `no error body: ${JSON.stringify(r.body)}`);
  assert.equal(e.codespace, codespace);
  assert.equal(e.name, name);
  assert.equal(typeof e.code, "number");
  assert.equal(typeof e.message, "string");
  return r.body as ErrorBody;
}

const postJson = (url: string, path: string, body: unknown) =>
  raw(url, path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });

/** The first `n` items of a stream (closing it), or a rejection after `timeoutMs`. */
async function collect<T>(stream: AsyncIterable<T> & { close(): void }, n: number, timeoutMs = 10_000): Promise<T[]> {
  const out: T[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      stream.close();
      reject(new Error(`timed out collecting ${n} items (got ${out.length})`));
    }, timeoutMs);
  });
  const read = (async () => {
    for await (const x of stream) {
      out.push(x);
      if (out.length >= n) break;
    }
    return out;
  })();
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("REST API against a solo node", () => {
  const accounts = testAccounts(4);
  const [alice, bob, carol] = accounts as [TestAccount, TestAccount, TestAccount, TestAccount];
  let f: Fixture;
  /** Next sequence per account, as the tests use them. */
  const seq = new Map<string, bigint>();
  const nextSeq = (a: TestAccount) => {
    const s = seq.get(a.address) ?? 0n;
    seq.set(a.address, s + 1n);
    return s;
  };

  before(async () => {
    f = await startFixture(accounts);
  });
  after(async () => {
    await stopFixture(f);
  });

  describe("happy paths through the SDK", () => {
    let committedHash = "";
    let committedHeight = "";

    test("status and describe", async () => {
      const s = await f.client.status();
      assert.equal(s.chainId, "urbis-solo-test");
      assert.equal(s.engine, "solo");
      assert.equal(s.ready, true);
      assert.match(s.latestHeight, /^\d+$/);
      const d = await f.client.describe();
      assert.ok(d.messages.includes("bank/send"));
      assert.ok(d.queries.includes("auth/account"));
      // Every message type has its permission, in the same order as the messages.
      assert.deepEqual(
        d.permissions.map((p) => p.type),
        d.messages,
      );
      const perm = new Map(d.permissions.map((p) => [p.type, p.permission]));
      assert.equal(perm.get("bank/send"), "anyone");
      assert.equal(perm.get("org/admit"), "governance");
      assert.equal(perm.get("gov/vote"), "member");
    });

    test("consortium routes on a chain without organizations", async () => {
      assert.deepEqual(await f.client.organizations(), { organizations: [] });
      assert.deepEqual(await f.client.membership(alice.address), {
        address: alice.address,
        org: null,
        admin: false,
        status: null,
        roles: [],
      });
      assert.deepEqual(await f.client.proposals(), { proposals: [] });
      assert.deepEqual(await f.client.upgradePlan(), { plan: null });
      assertError(await raw(f.url, "/v1/orgs/city-hall"), 404, "org", "unknown_organization");
      assertError(await raw(f.url, "/v1/gov/proposals/1/tally"), 404, "gov", "unknown_proposal");
      assertError(await raw(f.url, "/v1/gov/regulations/parking.zones"), 404, "gov", "no_regulation");
    });

    test("submitTx with wait=commit, then tx, block and latest block", async () => {
      const tx = transferTx(alice, nextSeq(alice), bob.address, 250n);
      const r = await f.client.submitTx(tx, { wait: "commit" });
      assert.equal(r.code, 0, r.log);
      assert.equal(r.duplicate, false);
      assert.ok(r.height !== undefined && r.index !== undefined);
      assert.ok(r.events?.some((e) => e.type.startsWith("bank.")));
      committedHash = r.hash;
      committedHeight = r.height;

      const rec = await f.client.tx(r.hash.toUpperCase());
      assert.equal(rec.hash, r.hash);
      assert.equal(rec.height, r.height);
      assert.equal(rec.result.code, 0);
      assert.deepEqual(base64ToBytes(rec.tx), tx);

      const b = await f.client.block(BigInt(r.height));
      assert.equal(b.header.height, r.height);
      assert.equal(b.txHashes[r.index], r.hash);
      assert.equal(b.txs.length, b.txHashes.length);

      const latest = await f.client.block();
      assert.ok(BigInt(latest.header.height) >= BigInt(r.height));
    });

    test("account: sequence and balances", async () => {
      const a = await f.client.account(alice.address);
      assert.equal(a.address, alice.address);
      assert.equal(a.sequence, "1");
      const coin = a.balances.find((c) => c.denom === TEST_DENOM);
      assert.equal(coin?.amount, (1_000_000_000n - 250n).toString());
      const latest = await f.client.status();
      const at = await f.client.account(alice.address, { height: BigInt(latest.latestHeight) });
      assert.equal(at.height, latest.latestHeight);
      assert.equal(at.sequence, "1");
      // The LMDB store cannot iterate old versions (balances need it): a registered 4xx, not a 500.
      if (BigInt(latest.latestHeight) > 1n) {
        const old = await raw(f.url, `/v1/accounts/${alice.address}?height=1`);
        assert.ok(
          old.status === 200 || (old.status < 500 && old.body.error.codespace === "store"),
          JSON.stringify(old.body),
        );
      }
    });

    test("generic module query", async () => {
      const q = await f.client.query("bank", "balance", { address: bob.address, denom: TEST_DENOM });
      assert.deepEqual(q.value, {
        address: bob.address,
        denom: TEST_DENOM,
        amount: (1_000_000_000n + 250n).toString(),
      });
      assert.match(q.height, /^\d+$/);
    });

    test("state with proof verifies against the app hash it names", async () => {
      const key = accountKey(alice.address);
      const s = await f.client.state(key, { prove: true, height: BigInt(committedHeight) });
      assert.equal(s.key, toHex(key));
      assert.equal(s.height, committedHeight);
      assert.ok(s.proof && s.appHash, "proof and appHash present");
      const block = await f.client.block(BigInt(committedHeight));
      assert.equal(s.appHash, block.resultAppHash);
      assert.ok(verifyProof(fromHex(s.appHash), key, base64ToBytes(s.value), base64ToBytes(s.proof)));
      // The same value without a proof.
      const plain = await f.client.state(toHex(key), { height: BigInt(committedHeight) });
      assert.equal(plain.value, s.value);
      assert.equal(plain.proof, undefined);
      // An absent key: empty value, and a non-inclusion proof.
      const absent = fromHex("00ff");
      const none = await f.client.state(absent, { prove: true });
      assert.equal(none.value, "");
      assert.ok(none.proof && none.appHash);
      assert.ok(verifyProof(fromHex(none.appHash), absent, undefined, base64ToBytes(none.proof)));
    });

    test("batch submission: in-order sequences, each with its own result", async () => {
      const s0 = nextSeq(carol);
      const s1 = nextSeq(carol);
      const txs = [
        transferTx(carol, s0, bob.address, 1n),
        transferTx(carol, s1, bob.address, 2n),
        transferTx(carol, 999n, bob.address, 3n), // wrong sequence
      ];
      const { results } = await f.client.submitTxs(txs, { wait: "commit" });
      assert.equal(results.length, 3);
      assert.equal(results[0]?.status, 200);
      assert.equal(results[0]?.result?.code, 0);
      assert.ok(results[0]?.result?.height);
      assert.equal(results[1]?.status, 200);
      assert.equal(results[2]?.status, 400);
      assert.equal(results[2]?.error?.codespace, "tx");
      assert.equal(results[2]?.error?.name, "wrong_sequence");
      assert.match(String(results[2]?.error?.details?.hash), /^[0-9a-f]{64}$/);
      assert.ok(
        results.every((r) => r.result?.duplicate !== true),
        "first submissions are not duplicates",
      );
    });

    test("probes, metrics and the OpenAPI document through the generated methods", async () => {
      assert.deepEqual(await f.client.api.livez(), { status: "ok" });
      assert.deepEqual(await f.client.api.readyz(), { status: "ok" });
      assert.equal(await f.client.ready(), true);
      const text = await f.client.api.metrics();
      assert.match(text, /urbis_block_height \d+/);
      const doc = await f.client.api.openapi();
      assert.equal(doc.openapi, "3.1.0");
      assert.ok(committedHash);
    });
  });

  describe("submission outcomes", () => {
    test("resubmitting the same signed bytes is idempotent", async () => {
      const tx = transferTx(bob, nextSeq(bob), carol.address, 7n);
      const first = await f.client.submitTx(tx);
      assert.equal(first.code, 0);
      assert.equal(first.duplicate, false);
      const again = await f.client.submitTx(tx);
      assert.equal(again.duplicate, true);
      assert.equal(again.hash, first.hash);
      assert.equal(again.code, 0);
      // After the commit the duplicate names the committed transaction.
      const committed = await f.client.submitTx(tx, { wait: "commit" });
      assert.equal(committed.duplicate, true);
      assert.ok(committed.height);
      const late = await raw(f.url, "/v1/txs", {
        method: "POST",
        body: JSON.stringify({ tx: bytesToBase64(tx) }),
        headers: { "content-type": "application/json" },
      });
      assert.equal(late.status, 200);
      assert.equal(late.body.duplicate, true);
      assert.equal(late.body.height, committed.height);
    });

    test("a failing check is its registered error, and the SDK error matches the ErrorDef", async () => {
      const tx = transferTx(bob, 12345n, carol.address, 1n);
      await assert.rejects(f.client.submitTx(tx), (err: unknown) => {
        assert.ok(err instanceof UrbisApiError);
        assert.equal(err.status, 400);
        assert.ok(TxErrors.wrongSequence.is(err));
        assert.ok(isError(err, TxErrors.wrongSequence));
        assert.equal(err.registered, true);
        assert.equal(err.id, "tx.wrong_sequence");
        assert.match(String(err.details?.hash), /^[0-9a-f]{64}$/);
        assert.ok(err.requestId);
        return true;
      });
      const badSig = transferTx(bob, 0n, carol.address, 1n);
      badSig[badSig.length - 1] = (badSig[badSig.length - 1] as number) ^ 1;
      const r = await postJson(f.url, "/v1/txs", { tx: bytesToBase64(badSig) });
      assertError(r, TxErrors.badSignature.httpStatus, "tx", "bad_signature");
    });
  });

  describe("bad requests get the right 4xx, never a 500", () => {
    test("malformed JSON, empty body, wrong content type", async () => {
      assertError(
        await raw(f.url, "/v1/txs", {
          method: "POST",
          body: '{"tx": ',
          headers: { "content-type": "application/json" },
        }),
        400,
        "api",
        "invalid_request",
      );
      assertError(
        await raw(f.url, "/v1/txs", { method: "POST", body: "", headers: { "content-type": "application/json" } }),
        400,
        "api",
        "invalid_request",
      );
      assertError(
        await raw(f.url, "/v1/txs", { method: "POST", body: "tx=AAAA", headers: { "content-type": "text/plain" } }),
        415,
        "api",
        "unsupported_media_type",
      );
      assertError(
        await raw(f.url, "/v1/txs", {
          method: "POST",
          body: '{"__proto__": {"x": 1}, "tx": "AAAA"}',
          headers: { "content-type": "application/json" },
        }),
        400,
        "api",
        "invalid_request",
      );
    });

    test("wrong types and unknown fields list what is wrong", async () => {
      const cases: unknown[] = [
        { tx: 123 },
        {},
        { tx: "AAAA", wait: "soon" },
        { tx: "AAAA", timeoutMs: "100" },
        { tx: "AAAA", timeoutMs: 0 },
        { tx: "AAAA", timeoutMs: 10_000_000 },
        { tx: "AAAA", extra: true },
        [],
        "AAAA",
        null,
      ];
      for (const body of cases) {
        const r = await postJson(f.url, "/v1/txs", body);
        const e = assertError(r, 400, "api", "invalid_request");
        assert.ok(Array.isArray(e.error.details?.errors), `details.errors for ${JSON.stringify(body)}`);
      }
      assertError(await postJson(f.url, "/v1/txs/batch", { txs: [] }), 400, "api", "invalid_request");
      assertError(
        await postJson(f.url, "/v1/txs/batch", { txs: Array.from({ length: 101 }, () => "AAAA") }),
        400,
        "api",
        "invalid_request",
      );
    });

    test("bad base64 and undecodable transactions", async () => {
      // `AB==` / `AAB=` match a naive base64 regex but have non-zero padding bits: no decoder accepts them.
      for (const tx of ["not base64!", "AAA", "AAAA=", "A===", "YQ", "AB==", "AAB=", "AAAA AAAA"]) {
        assertError(await postJson(f.url, "/v1/txs", { tx }), 400, "api", "invalid_request");
      }
      assertError(await postJson(f.url, "/v1/txs/batch", { txs: ["AAAA", "AB=="] }), 400, "api", "invalid_request");
      const r = await postJson(f.url, "/v1/txs", { tx: bytesToBase64(new Uint8Array([1, 2, 3, 4, 5])) });
      assertError(r, 400, "tx", "malformed");
      // Within the body limit but above the largest transaction: the engine's registered 413.
      const huge = await postJson(f.url, "/v1/txs", { tx: bytesToBase64(new Uint8Array(70_000)) });
      assertError(huge, 413, "tx", "too_large");
    });

    test("oversized body", async () => {
      const big = JSON.stringify({ tx: "A".repeat(300 * 1024) });
      assertError(
        await raw(f.url, "/v1/txs", { method: "POST", body: big, headers: { "content-type": "application/json" } }),
        413,
        "api",
        "payload_too_large",
      );
    });

    test("unknown route and wrong method", async () => {
      assertError(await raw(f.url, "/v1/nope"), 404, "api", "not_found");
      assertError(await raw(f.url, "/v1/txs"), 404, "api", "not_found");
      assertError(await raw(f.url, "/v1/status", { method: "DELETE" }), 404, "api", "not_found");
    });

    test("bad and unknown heights", async () => {
      for (const h of ["abc", "0", "-1", "1.5", "01", "1e3", "123456789012345678901", "18446744073709551616"]) {
        assertError(await raw(f.url, `/v1/blocks/${h}`), 400, "api", "invalid_request");
      }
      assertError(await raw(f.url, "/v1/blocks/18446744073709551615"), 404, "api", "not_found");
      assertError(await raw(f.url, "/v1/blocks/999999"), 404, "api", "not_found");
      assertError(await raw(f.url, `/v1/accounts/${alice.address}?height=999999`), 404, "app", "height_unavailable");
      assertError(await raw(f.url, `/v1/accounts/${alice.address}?height=x`), 400, "api", "invalid_request");
      assertError(await raw(f.url, "/v1/state/00?height=0"), 400, "api", "invalid_request");
    });

    test("bad and unknown transaction hashes", async () => {
      assertError(await raw(f.url, `/v1/txs/${"ab".repeat(32)}`), 404, "api", "not_found");
      assertError(await raw(f.url, "/v1/txs/xyz"), 400, "api", "invalid_request");
      assertError(await raw(f.url, `/v1/txs/${"a".repeat(63)}`), 400, "api", "invalid_request");
      await assert.rejects(f.client.tx("ab".repeat(32)), (e: unknown) => ApiErrors.notFound.is(e));
    });

    test("bad addresses", async () => {
      const good = alice.address;
      const flipped = `${good.slice(0, -1)}${good.endsWith("q") ? "p" : "q"}`;
      for (const a of [
        "urbis1xyz",
        "cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq",
        flipped,
        "URBIS",
        "x".repeat(200),
      ]) {
        assertError(await raw(f.url, `/v1/accounts/${encodeURIComponent(a)}`), 400, "api", "invalid_request");
      }
    });

    test("bad queries, keys, filters and cursors", async () => {
      assertError(await raw(f.url, "/v1/query/bank/nope"), 404, "app", "unknown_query");
      assertError(await raw(f.url, "/v1/query/bank/balance?address=nope&denom=ucity"), 400, "app", "invalid_query");
      assertError(await raw(f.url, "/v1/query/Bank/balance"), 400, "api", "invalid_request");
      assertError(await raw(f.url, "/v1/query/bank/balances?address=a&address=b"), 400, "api", "invalid_request");
      assertError(await raw(f.url, "/v1/state/zz"), 400, "api", "invalid_request");
      assertError(await raw(f.url, "/v1/state/abc"), 400, "api", "invalid_request");
      assertError(await raw(f.url, "/v1/state/00?prove=yes"), 400, "api", "invalid_request");
      assertError(await raw(f.url, "/v1/stream?kinds=blocks"), 400, "api", "invalid_request");
      assertError(await raw(f.url, "/v1/stream?fromHeight=-1"), 400, "api", "invalid_request");
      assertError(await raw(f.url, "/v1/stream?after=nonsense"), 400, "node", "invalid_cursor");
      assertError(
        await raw(f.url, "/v1/stream", { headers: { "last-event-id": "nonsense" } }),
        400,
        "node",
        "invalid_cursor",
      );
    });
  });

  describe("fuzz: arbitrary input never gets a 5xx", () => {
    /** Sends through Fastify's inject (no sockets) and checks the answer is a success or a registered 4xx body. */
    async function check(method: "GET" | "POST", url: string, payload?: string) {
      const r = await f.api.app.inject({
        method,
        url,
        ...(payload === undefined ? {} : { payload, headers: { "content-type": "application/json" } }),
      });
      assert.ok(r.statusCode < 500, `${method} ${url} ${payload ?? ""} → ${r.statusCode} ${r.body}`);
      if (r.statusCode >= 400) {
        const e = (JSON.parse(r.body) as ErrorBody).error;
        assert.ok(typeof e.codespace === "string" && typeof e.code === "number" && typeof e.name === "string");
      }
    }

    test("JSON bodies of the submission routes", async () => {
      const b64 = fc.uint8Array({ maxLength: 300 }).map(bytesToBase64);
      const body = fc.oneof(
        fc.jsonValue(),
        fc.record({ tx: fc.oneof(b64, fc.string(), fc.jsonValue()) }, { requiredKeys: [] }),
        fc.record({
          tx: b64,
          wait: fc.oneof(fc.constantFrom("check", "commit"), fc.jsonValue()),
          timeoutMs: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.jsonValue()),
        }),
        fc.record({ txs: fc.oneof(fc.array(b64, { maxLength: 5 }), fc.jsonValue()) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom("/v1/txs", "/v1/txs/batch"), body, async (url, b) => {
          await check("POST", url, JSON.stringify(b));
        }),
        { numRuns: 300 },
      );
      await fc.assert(
        fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => check("POST", "/v1/txs", text)),
        { numRuns: 200 },
      );
    });

    test("path segments and query strings of the read routes", async () => {
      const seg = fc.oneof(
        fc.string({ maxLength: 70 }),
        fc.stringMatching(/^[0-9a-fA-F]{0,70}$/),
        fc.bigInt({ min: -5n, max: 1n << 70n }).map(String),
        fc.constantFrom(alice.address, "latest", "0", "%", "%zz", "..", "a/b"),
      );
      const kv = fc.tuple(
        fc.constantFrom("height", "prove", "address", "denom", "x", "status", "after", "limit", "at", "topic"),
        seg,
      );
      const route = fc.constantFrom(
        "/v1/blocks/",
        "/v1/txs/",
        "/v1/accounts/",
        "/v1/state/",
        "/v1/query/bank/",
        "/v1/query/",
        "/v1/orgs/",
        "/v1/gov/proposals/",
        "/v1/gov/regulations/",
        `/v1/accounts/${alice.address}/`,
      );
      await fc.assert(
        fc.asyncProperty(route, seg, fc.array(kv, { maxLength: 3 }), async (base, s1, q) => {
          const qs = q.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
          // Raw (unencoded) segments too: the router must turn bad escapes into 400s as well.
          await check("GET", `${base}${encodeURIComponent(s1)}${qs ? `?${qs}` : ""}`);
          if (!/[?#]/.test(s1)) await check("GET", `${base}${s1}`);
        }),
        { numRuns: 400 },
      );
      // The typed module-query routes, with arbitrary query strings.
      const typed = fc.constantFrom(
        "/v1/orgs",
        "/v1/orgs/city-hall/members",
        `/v1/accounts/${alice.address}/membership`,
        "/v1/gov/proposals",
        "/v1/gov/proposals/1/votes",
        "/v1/gov/params",
        "/v1/gov/regulations",
        "/v1/gov/regulations/parking.zones",
        "/v1/upgrade/plan",
      );
      await fc.assert(
        fc.asyncProperty(typed, fc.array(kv, { maxLength: 3 }), async (path, q) => {
          const qs = q.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
          await check("GET", `${path}${qs ? `?${qs}` : ""}`);
        }),
        { numRuns: 300 },
      );
    });
  });

  describe("event stream", () => {
    /** Commits `n` transfers, one block at least, returning the last committed height. */
    async function commitTransfers(n: number): Promise<bigint> {
      let h = 0n;
      for (let i = 0; i < n; i++) {
        const r = await f.client.submitTx(transferTx(alice, nextSeq(alice), bob.address, 1n), { wait: "commit" });
        assert.equal(r.code, 0, r.log);
        h = BigInt(r.height ?? "0");
      }
      return h;
    }

    test("resume from a cursor continues without gaps or duplicates", async () => {
      const tip = await commitTransfers(3);
      // Everything from height 1 to the tip, as one reference run.
      const status = await f.client.status();
      assert.ok(BigInt(status.latestHeight) >= tip);
      const reference: StreamItemJson[] = [];
      const s = f.client.stream({ fromHeight: 1 });
      for await (const item of s) {
        reference.push(item);
        if (item.kind === "block" && BigInt(item.height) === tip) break;
      }
      const cursors = reference.map((i) => i.cursor);
      assert.deepEqual([...cursors].sort(), cursors, "cursor order");
      assert.equal(new Set(cursors).size, cursors.length, "no duplicates");
      assert.ok(reference.length > 6);

      // Resume after item k, via the client's `after`, and via the Last-Event-ID header.
      const k = Math.floor(reference.length / 2);
      const cursorK = reference[k - 1]?.cursor as string;
      const rest = await collect(f.client.stream({ after: cursorK }), reference.length - k);
      assert.deepEqual(
        rest.map((i) => i.cursor),
        cursors.slice(k),
      );
      assert.deepEqual(rest, reference.slice(k));

      const ac = new AbortController();
      const res = await fetch(`${f.url}/v1/stream`, { headers: { "last-event-id": cursorK }, signal: ac.signal });
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      let text = "";
      const dec = new TextDecoder();
      while (!text.includes(`id: ${reference[k]?.cursor}\n`)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += dec.decode(value, { stream: true });
      }
      ac.abort();
      const firstId = /^id: (.+)$/m.exec(text)?.[1];
      assert.equal(firstId, reference[k]?.cursor, "Last-Event-ID resumes strictly after the cursor");
      assert.match(text, /^retry: \d+$/m);
    });

    test("the client reconnects with its last cursor when the connection drops", async () => {
      const start = await commitTransfers(1);
      const reconnects: (string | undefined)[] = [];
      const stream = f.client.stream(
        { fromHeight: start, kinds: ["block"] },
        { retryDelayMs: 10, onReconnect: (i) => reconnects.push(i.lastCursor) },
      );
      const seen: StreamItemJson[] = [];
      const it = stream[Symbol.asyncIterator]();
      const first = await it.next();
      assert.ok(!first.done);
      seen.push(first.value);
      // Drop every connection (the stream's included) while blocks keep coming. The pause lets
      // the test's own keep-alive sockets notice, so the submissions below open new ones.
      f.api.app.server.closeAllConnections();
      await sleep(50);
      const more = commitTransfers(2);
      while (seen.length < 3) {
        const n = await it.next();
        assert.ok(!n.done);
        seen.push(n.value);
      }
      await more;
      stream.close();
      await it.return?.();
      assert.ok(reconnects.length >= 1, "reconnected");
      assert.equal(reconnects[0], first.value.cursor);
      const heights = seen.map((i) => BigInt(i.height));
      assert.deepEqual(
        heights,
        heights.map((_, i) => start + BigInt(i)),
        "consecutive blocks, no gap or repeat",
      );
      assert.ok(seen.every((i) => i.kind === "block"));
    });

    test("filters: kinds, types and attributes", async () => {
      const from = (await commitTransfers(1)) + 1n;
      const p = commitTransfers(1);
      const blocks = await collect(f.client.stream({ fromHeight: from, kinds: ["block"] }), 1);
      assert.equal(blocks[0]?.kind, "block");
      const events = await collect(f.client.stream({ fromHeight: from, kinds: ["event"] }), 1);
      assert.equal(events[0]?.kind, "event");
      await p;
      const one = events[0];
      assert.ok(one && one.kind === "event");
      const attr = one.event.attributes[0];
      assert.ok(attr);
      const typed = await collect(
        f.client.stream({ fromHeight: from, types: [one.event.type], attr: { [attr.key]: attr.value } }),
        2,
      );
      for (const item of typed) {
        if (item.kind === "event") {
          assert.equal(item.event.type, one.event.type);
          assert.ok(item.event.attributes.some((a) => a.key === attr.key && a.value === attr.value));
        }
      }
    });

    test("heartbeats are comments", async () => {
      const ac = new AbortController();
      const res = await fetch(`${f.url}/v1/stream?kinds=block`, { signal: ac.signal });
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      let text = "";
      const dec = new TextDecoder();
      while (!text.includes(": heartbeat")) {
        const { value, done } = await reader.read();
        if (done) break;
        text += dec.decode(value, { stream: true });
      }
      ac.abort();
      assert.match(text, /^: heartbeat \d+$/m);
    });
  });

  describe("operations", () => {
    test("/livez, /readyz, /metrics", async () => {
      const live = await raw(f.url, "/livez");
      assert.equal(live.status, 200);
      assert.deepEqual(live.body, { status: "ok" });
      const ready = await raw(f.url, "/readyz");
      assert.equal(ready.status, 200);
      const m = await raw(f.url, "/metrics");
      assert.equal(m.status, 200);
      assert.match(m.headers.get("content-type") ?? "", /^text\/plain/);
      const text = m.body as string;
      for (const name of [
        "urbis_block_height",
        "urbis_txs_committed_total",
        "urbis_mempool_size",
        "urbis_commit_duration_seconds_bucket",
        "urbis_commit_duration_seconds_count",
        "urbis_api_requests_total",
        "urbis_api_request_duration_seconds_bucket",
        "urbis_api_streams_open",
        "urbis_node_ready 1",
      ]) {
        assert.ok(text.includes(name), `metrics has ${name}`);
      }
      const height = Number(/^urbis_block_height (\d+)$/m.exec(text)?.[1]);
      assert.ok(height >= 1);
      const committed = Number(/^urbis_txs_committed_total (\d+)$/m.exec(text)?.[1]);
      assert.ok(committed >= 1, "committed transactions counted");
      assert.match(text, /urbis_api_requests_total\{route="getStatus",status="200"\} \d+/);
      assert.match(text, /urbis_api_requests_total\{route="not_found",status="404"\} \d+/);
      assert.match(text, /urbis_api_requests_total\{route="getBlock",status="400"\} \d+/);
    });

    test("/openapi.json is OpenAPI 3.1 and lists every route of the table", async () => {
      const r = await raw(f.url, "/openapi.json");
      assert.equal(r.status, 200);
      const doc = r.body;
      assert.equal(doc.openapi, "3.1.0");
      assert.equal(typeof doc.info.title, "string");
      assert.equal(typeof doc.info.version, "string");
      for (const route of routeList()) {
        const op = doc.paths[route.path]?.[route.method.toLowerCase()];
        assert.ok(op, `${route.method} ${route.path} documented`);
        assert.equal(op.operationId, route.id);
        assert.ok(op.responses["200"], `${route.id} has a 200 answer`);
        for (const e of route.errors) assert.ok(op.responses[String(e.httpStatus)], `${route.id} lists ${e.name}`);
        for (const p of route.path.matchAll(/\{(\w+)\}/g)) {
          assert.ok(
            op.parameters.some((x: any) => x.in === "path" && x.name === p[1]),
            `${route.id} param ${p[1]}`,
          );
        }
        if (route.body) assert.ok(op.requestBody?.content?.["application/json"]?.schema);
      }
      const ops = Object.values(doc.paths).flatMap((p: any) => Object.keys(p));
      assert.equal(ops.length, routeList().length, "nothing documented that is not in the table");
      assert.ok(doc.components.schemas.ErrorBody);
      // Submissions list module errors as they are registered by the node.
      const submit = doc.paths["/v1/txs"].post;
      assert.ok(submit["x-urbis-errors"].some((e: any) => e.id === "bank.insufficient_funds"));
      assert.ok(submit["x-urbis-errors"].some((e: any) => e.id === "tx.wrong_sequence"));
    });

    test("/docs serves the interactive documentation of the same document", async () => {
      const html = await fetch(`${f.url}/docs/`, { redirect: "follow" });
      assert.equal(html.status, 200);
      const json = await raw(f.url, "/docs/json");
      assert.equal(json.status, 200);
      assert.deepEqual(json.body, f.api.openapi);
    });
  });
});

describe("REST API limits and lifecycle", () => {
  test("per-client rate limit answers 429 with Retry-After; probes are exempt", async () => {
    const f = await startFixture(testAccounts(1, "rate"), { perSecond: 3 });
    try {
      const statuses: number[] = [];
      let limited: Awaited<ReturnType<typeof raw>> | undefined;
      for (let i = 0; i < 6; i++) {
        const r = await raw(f.url, "/v1/status");
        statuses.push(r.status);
        if (r.status === 429) limited = r;
      }
      assert.ok(
        statuses.slice(0, 3).every((s) => s === 200),
        statuses.join(),
      );
      assert.ok(limited, "got limited");
      assertError(limited, 429, "api", "rate_limited");
      assert.ok(Number(limited.headers.get("retry-after")) >= 1);
      await assert.rejects(f.client.status(), (e: unknown) => ApiErrors.rateLimited.is(e));
      for (let i = 0; i < 10; i++) assert.equal((await raw(f.url, "/livez")).status, 200);
      assert.equal((await raw(f.url, "/readyz")).status, 200);
    } finally {
      await stopFixture(f);
    }
  });

  test("a commit that does not come in time answers 504 with the hash, and the tx commits later", async () => {
    const [a, b] = testAccounts(2, "slow") as [TestAccount, TestAccount];
    const f = await startFixture([a, b], { blockIntervalMs: 400 });
    try {
      const tx = transferTx(a, 0n, b.address, 1n);
      const r = await postJson(f.url, "/v1/txs", { tx: bytesToBase64(tx), wait: "commit", timeoutMs: 20 });
      const e = assertError(r, 504, "node", "commit_timeout");
      const hash = String(e.error.details?.hash);
      assert.match(hash, /^[0-9a-f]{64}$/);
      // Polling by hash, as the route's documentation says to.
      const again = await f.client.submitTx(tx, { wait: "commit", commitTimeoutMs: 5000 });
      assert.equal(again.duplicate, true);
      assert.equal((await f.client.tx(hash)).hash, hash);
    } finally {
      await stopFixture(f);
    }
  });

  test("a large batch from one signer commits in sequence order with parallel signature workers", async () => {
    const [a, b] = testAccounts(2, "batch") as [TestAccount, TestAccount];
    const f = await startFixture([a, b], { verifierWorkers: 4 });
    try {
      const txs = Array.from({ length: 100 }, (_, i) => transferTx(a, BigInt(i), b.address, 1n));
      const { results } = await f.client.submitTxs(txs, { wait: "commit", commitTimeoutMs: 20_000 });
      assert.deepEqual(
        results.filter((r) => r.status !== 200).map((r) => r.error?.name),
        [],
      );
      assert.ok(results.every((r) => r.result?.code === 0 && r.result.height !== undefined && !r.result.duplicate));
      assert.equal((await f.client.account(a.address)).sequence, "100");
    } finally {
      await stopFixture(f);
    }
  });

  test("/readyz is 503 once the node is not running, and other routes answer 503, not 500", async () => {
    const f = await startFixture(testAccounts(1, "ready"));
    try {
      const acc = testAccounts(1, "ready")[0] as TestAccount;
      await f.node.close();
      assertError(await raw(f.url, "/readyz"), 503, "api", "not_ready");
      assert.equal(await f.client.ready(), false);
      assert.equal((await raw(f.url, "/livez")).status, 200);
      const sub = await postJson(f.url, "/v1/txs", { tx: bytesToBase64(transferTx(acc, 0n, acc.address, 1n)) });
      assertError(sub, NodeErrors.notReady.httpStatus, "node", "not_ready");
      assertError(await raw(f.url, "/v1/stream"), 503, "node", "not_ready");
      const status = await raw(f.url, "/v1/status");
      assert.equal(status.status, 200);
      assert.equal(status.body.ready, false);
      const m = await raw(f.url, "/metrics");
      assert.match(m.body as string, /^urbis_node_ready 0$/m);
    } finally {
      await stopFixture(f);
    }
  });

  test("closing the server ends open streams", async () => {
    const f = await startFixture(testAccounts(1, "close"));
    try {
      const res = await fetch(`${f.url}/v1/stream`);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      assert.equal((await f.api.metrics.streamsOpen.get()).values[0]?.value, 1);
      const closing = f.api.close();
      // The stream ends (done, or reset) instead of holding the server open.
      for (;;) {
        try {
          const r = await reader.read();
          if (r.done) break;
        } catch {
          break;
        }
      }
      await closing;
      assert.equal((await f.api.metrics.streamsOpen.get()).values[0]?.value, 0);
    } finally {
      await f.node.close();
      rmSync(f.dir, { recursive: true, force: true });
    }
  });
});
