/**
 * Unit tests of the API's client-side pieces (SSE parsing, error mapping),
 * the server's token bucket, and the browser-safety of the SDK client and the
 * protocol's API definition (they must bundle for the browser with no Node built-ins).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { TokenBucketLimiter } from "@urbis/node";
import {
  ApiErrors,
  base64ToBytes,
  bytesToBase64,
  GovErrors,
  isBase64,
  parseU64,
  TxErrors,
  UrbisError,
} from "@urbis/protocol";
import {
  errorFromResponse,
  isError,
  parseSse,
  SdkErrors,
  type SseMessage,
  UrbisApiError,
  UrbisClient,
} from "@urbis/sdk";
import { build } from "esbuild";

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(enc.encode(ch));
      c.close();
    },
  });
}

async function parseAll(chunks: string[]): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const m of parseSse(streamOf(chunks))) out.push(m);
  return out;
}

describe("SSE parser", () => {
  test("fields, comments, multi-line data, and every line ending", async () => {
    const msgs = await parseAll([
      "retry: 50\n: comment\n\n",
      'id: 1\nevent: block\ndata: {"a":1}\n\n',
      "id: 2\r\ndata: x\r\ndata: y\r\n\r\n",
      "id: 3\rdata:no-space\r\r",
      "data\n\n",
    ]);
    assert.deepEqual(msgs, [
      { id: undefined, event: "message", data: "", retry: 50 },
      { id: "1", event: "block", data: '{"a":1}', retry: undefined },
      { id: "2", event: "message", data: "x\ny", retry: undefined },
      { id: "3", event: "message", data: "no-space", retry: undefined },
      { id: undefined, event: "message", data: "", retry: undefined },
    ]);
  });

  test("messages and CRLFs split across chunks", async () => {
    const text = 'id: 00000000000000000001.0000000000\nevent: event\ndata: {"k":"v"}\r\n\r\n: hb\n\nid: 2\ndata: z\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      const msgs = await parseAll([text.slice(0, cut), text.slice(cut)]);
      assert.equal(msgs.length, 2, `cut at ${cut}`);
      assert.equal(msgs[0]?.data, '{"k":"v"}');
      assert.equal(msgs[0]?.id, "00000000000000000001.0000000000");
      assert.equal(msgs[1]?.data, "z");
    }
  });

  test("an unterminated last message is not dispatched", async () => {
    assert.deepEqual(await parseAll(["id: 1\ndata: partial"]), []);
  });
});

describe("API errors in the SDK", () => {
  const res = (status: number, body: string, headers: Record<string, string> = {}) =>
    new Response(body, { status, headers: { "content-type": "application/json", ...headers } });

  test("a registered error carries its ErrorDef, so ErrorDef.is works", async () => {
    const err = await errorFromResponse(
      res(
        400,
        JSON.stringify({
          error: { codespace: "tx", code: 6, name: "wrong_sequence", message: "seq", details: { hash: "ab" } },
        }),
        { "x-request-id": "req-7" },
      ),
    );
    assert.ok(err instanceof UrbisApiError);
    assert.ok(err instanceof UrbisError);
    assert.equal(err.def, TxErrors.wrongSequence);
    assert.ok(TxErrors.wrongSequence.is(err));
    assert.ok(isError(err, TxErrors.wrongSequence));
    assert.equal(TxErrors.badSignature.is(err), false);
    assert.equal(err.status, 400);
    assert.equal(err.registered, true);
    assert.equal(err.requestId, "req-7");
    assert.deepEqual(err.details, { hash: "ab" });
    assert.equal(err.id, "tx.wrong_sequence");
  });

  test("an unregistered kind still compares by (codespace, code)", async () => {
    const err = await errorFromResponse(
      res(504, JSON.stringify({ error: { codespace: "future", code: 9, name: "later", message: "m" } })),
    );
    assert.equal(err.registered, false);
    assert.equal(err.errorName, "later");
    assert.equal(err.id, "future.later");
    assert.ok(err.def.is(err));
    assert.equal(err.def.httpStatus, 504);
  });

  test("a body that is not an error body becomes http.unexpected_response", async () => {
    const err = await errorFromResponse(new Response("<html>bad gateway</html>", { status: 502 }));
    assert.equal(err.codespace, "http");
    assert.equal(err.code, 502);
    assert.equal(err.errorName, "unexpected_response");
    assert.match(err.message, /bad gateway/);
  });

  test("client calls throw UrbisApiError from the node's answer", async () => {
    const fetchStub: typeof fetch = async () =>
      res(429, JSON.stringify({ error: { codespace: "api", code: 4, name: "rate_limited", message: "slow down" } }));
    const client = new UrbisClient({ baseUrl: "http://node.invalid", fetch: fetchStub });
    await assert.rejects(
      client.status(),
      (e: unknown) => ApiErrors.rateLimited.is(e) && (e as UrbisApiError).status === 429,
    );
  });

  test("a client timeout aborts the call with api.timeout; an unreachable node is sdk.network", async () => {
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    const client = new UrbisClient({ baseUrl: "http://node.invalid", fetch: hanging, timeoutMs: 20 });
    await assert.rejects(client.status(), (e: unknown) => ApiErrors.timeout.is(e));
    const refusing: typeof fetch = () => Promise.reject(new TypeError("fetch failed"));
    const down = new UrbisClient({ baseUrl: "http://node.invalid", fetch: refusing });
    await assert.rejects(down.status(), (e: unknown) => SdkErrors.network.is(e));
  });
});

describe("consortium convenience methods", () => {
  /** A client whose fetch records each URL and answers `{}`. */
  function recording(): { client: UrbisClient; urls: string[] } {
    const urls: string[] = [];
    const fetchStub: typeof fetch = async (input) => {
      urls.push(String(input));
      return new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
    };
    return { client: new UrbisClient({ baseUrl: "http://node.invalid/base", fetch: fetchStub }), urls };
  }

  test("each method calls its route with its parameters", async () => {
    const { client, urls } = recording();
    const address = "urbis1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq";
    await client.organizations();
    await client.organizations({ status: "suspended", height: 7n });
    await client.organization("general-hospital", { height: 3 });
    await client.members("city-hall", { after: address, limit: 50 });
    await client.membership(address);
    await client.proposals({ status: "voting_period" });
    await client.proposal(12n);
    await client.votes(12);
    await client.tally("12", { height: "40" });
    await client.govParams();
    await client.regulations({ topic: "parking.zones" });
    await client.regulation("parking.zones", { at: 99n });
    await client.regulation("parking.zones");
    await client.upgradePlan({ height: 5 });
    const b = "http://node.invalid/base";
    assert.deepEqual(urls, [
      `${b}/v1/orgs`,
      `${b}/v1/orgs?height=7&status=suspended`,
      `${b}/v1/orgs/general-hospital?height=3`,
      `${b}/v1/orgs/city-hall/members?after=${address}&limit=50`,
      `${b}/v1/accounts/${address}/membership`,
      `${b}/v1/gov/proposals?status=voting_period`,
      `${b}/v1/gov/proposals/12`,
      `${b}/v1/gov/proposals/12/votes`,
      `${b}/v1/gov/proposals/12/tally?height=40`,
      `${b}/v1/gov/params`,
      `${b}/v1/gov/regulations?topic=parking.zones`,
      `${b}/v1/gov/regulations/parking.zones?at=99`,
      `${b}/v1/gov/regulations/parking.zones`,
      `${b}/v1/upgrade/plan?height=5`,
    ]);
  });

  test("a 404 of a consortium route is its registered kind", async () => {
    const body = { error: { codespace: "gov", code: 1, name: "unknown_proposal", message: "no proposal 9" } };
    const fetchStub: typeof fetch = async () =>
      new Response(JSON.stringify(body), { status: 404, headers: { "content-type": "application/json" } });
    const client = new UrbisClient({ baseUrl: "http://node.invalid", fetch: fetchStub });
    await assert.rejects(client.proposal(9n), (e: unknown) => GovErrors.unknownProposal.is(e));
  });
});

describe("wire encoding", () => {
  test("base64 round trip and strictness", () => {
    const b = new Uint8Array([0, 1, 2, 250, 251, 252, 253]);
    assert.deepEqual(base64ToBytes(bytesToBase64(b)), b);
    for (const bad of ["AAA", "AAAA=", "A===", "====", "AA-_", "AAAA\n", "AB==", "AAB="]) {
      assert.equal(isBase64(bad), false, bad);
    }
    for (const good of ["", "AAAA", "AA==", "AAA=", "+/+/", "QQ==", "QUI="]) assert.equal(isBase64(good), true, good);
    // Whatever the pattern accepts decodes: every 1- and 2-byte value round-trips through it.
    for (let a = 0; a < 256; a++) {
      const one = bytesToBase64(new Uint8Array([a]));
      assert.ok(isBase64(one), one);
      for (const b of [0, 1, 127, 255]) assert.ok(isBase64(bytesToBase64(new Uint8Array([a, b]))));
    }
  });

  test("u64 decimal strings", () => {
    assert.equal(parseU64("0"), 0n);
    assert.equal(parseU64("18446744073709551615"), (1n << 64n) - 1n);
    for (const bad of ["18446744073709551616", "01", "-1", "1.0", "", " 1", "1e3"])
      assert.equal(parseU64(bad), undefined, bad);
  });
});

describe("token bucket", () => {
  test("allows a burst, then refills at the rate", () => {
    const l = new TokenBucketLimiter({ perSecond: 10, burst: 3 });
    assert.ok(l.take("a", 0).ok);
    assert.ok(l.take("a", 0).ok);
    assert.ok(l.take("a", 0).ok);
    const refused = l.take("a", 0);
    assert.equal(refused.ok, false);
    assert.equal(refused.retryAfterMs, 100);
    assert.ok(l.take("b", 0).ok, "clients are independent");
    assert.equal(l.take("a", 50).ok, false);
    assert.ok(l.take("a", 100).ok);
    assert.ok(l.take("a", 10_000).ok);
  });

  test("forgets the least recently seen client beyond its bound", () => {
    const l = new TokenBucketLimiter({ perSecond: 1, maxClients: 2 });
    l.take("a", 0);
    l.take("b", 0);
    l.take("a", 0);
    l.take("c", 0);
    assert.equal(l.size, 2);
    assert.equal(l.take("a", 0).ok, false, "a was kept (recently seen) and is empty");
    assert.ok(l.take("b", 0).ok, "b was forgotten: a fresh bucket");
  });
});

describe("browser safety", () => {
  for (const [name, entry] of [
    ["SDK client", "../packages/sdk/src/client/index.ts"],
    ["protocol API definition", "../packages/protocol/src/api/index.ts"],
  ] as const) {
    test(`the ${name} bundles for the browser without Node built-ins`, async () => {
      const r = await build({
        entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
        bundle: true,
        platform: "browser",
        format: "esm",
        write: false,
        logLevel: "silent",
      });
      assert.equal(r.errors.length, 0);
      const code = r.outputFiles[0]?.text ?? "";
      assert.ok(!/from\s*["']node:/.test(code) && !/require\(["']node:/.test(code));
    });
  }
});
