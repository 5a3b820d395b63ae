import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { concatBytes, utf8 } from "../bytes.js";
import { encode, fixedBytes, string, struct, u64 } from "../codec/index.js";
import { publicKeyOf, sha256 } from "../crypto.js";
import { didOf } from "../modules/did/types.js";
import { RecordErrors } from "./errors.js";
import {
  parseRecordsHeaders,
  RECORDS_HEADERS,
  type RecordsRequest,
  recordsBodyHash,
  recordsRequestDigest,
  signRecordsRequest,
  verifyRecordsRequest,
} from "./request.js";

const secretKey = sha256(utf8("request-test/alice"));
const publicKey = publicKeyOf(secretKey);
const did = didOf(publicKey);
const base: RecordsRequest = {
  chainId: "urbis-test",
  did,
  keyFragment: "key-1",
  method: "GET",
  path: `/v1/records/blobs/${"ab".repeat(32)}?access=7`,
  bodyHash: recordsBodyHash(),
  timeMs: 1_700_000_000_000n,
};

describe("signed record-store requests", () => {
  it("signs into headers that parse back and verify", () => {
    const headers = signRecordsRequest(base, secretKey);
    const h = parseRecordsHeaders(headers);
    assert.equal(h.did, did);
    assert.equal(h.keyFragment, "key-1");
    assert.equal(h.timeMs, base.timeMs);
    assert.ok(verifyRecordsRequest(base, h.signature, publicKey));
  });

  it("binds every field: a change to any one breaks the signature", () => {
    const sig = parseRecordsHeaders(signRecordsRequest(base, secretKey)).signature;
    const other = didOf(publicKeyOf(sha256(utf8("request-test/bob"))));
    const variants: Partial<RecordsRequest>[] = [
      { chainId: "urbis-other" },
      { did: other },
      { keyFragment: "key-2" },
      { method: "PUT" },
      { path: `/v1/records/blobs/${"ab".repeat(32)}?access=8` },
      { bodyHash: recordsBodyHash({ wrappedKeys: [] }) },
      { timeMs: base.timeMs + 1n },
    ];
    for (const v of variants) {
      assert.ok(!verifyRecordsRequest({ ...base, ...v }, sig, publicKey), JSON.stringify(Object.keys(v)));
    }
    // The method is compared case-insensitively (HTTP methods are upper-case on the wire).
    assert.ok(verifyRecordsRequest({ ...base, method: "get" }, sig, publicKey));
  });

  it("signs sha256(domain || Borsh-layout fields), as documented for other-language clients", () => {
    const layout = struct({
      chainId: string(),
      did: string(),
      keyFragment: string(),
      method: string(),
      path: string(),
      bodyHash: fixedBytes(32),
      timeMs: u64,
    });
    const expected = sha256(concatBytes(utf8("urbis/records/request/v1"), encode(layout, base)));
    assert.deepEqual(recordsRequestDigest(base), expected);
  });

  it("hashes bodies by content: blob and keys both count", () => {
    const k = { recipient: `${did}#enc-1`, sealed: new Uint8Array(80) };
    const a = recordsBodyHash({ blob: Uint8Array.of(1, 2), wrappedKeys: [k] });
    assert.notDeepEqual(a, recordsBodyHash({ blob: Uint8Array.of(1, 3), wrappedKeys: [k] }));
    assert.notDeepEqual(a, recordsBodyHash({ blob: Uint8Array.of(1, 2), wrappedKeys: [] }));
    assert.notDeepEqual(recordsBodyHash({ wrappedKeys: [] }), recordsBodyHash());
  });

  it("refuses missing or malformed headers with records.unsigned_request", () => {
    const good = signRecordsRequest(base, secretKey);
    const cases: Record<string, string | undefined>[] = [
      {},
      { ...good, [RECORDS_HEADERS.did]: undefined },
      { ...good, [RECORDS_HEADERS.did]: "did:web:example.com" },
      { ...good, [RECORDS_HEADERS.key]: "bad fragment" },
      { ...good, [RECORDS_HEADERS.time]: "-5" },
      { ...good, [RECORDS_HEADERS.time]: "12.5" },
      { ...good, [RECORDS_HEADERS.signature]: "00" },
      { ...good, [RECORDS_HEADERS.signature]: (good[RECORDS_HEADERS.signature] as string).toUpperCase() },
    ];
    for (const c of cases)
      assert.throws(
        () => parseRecordsHeaders(c),
        (e) => RecordErrors.unsigned.is(e),
      );
    assert.throws(
      () => parseRecordsHeaders({ ...good, [RECORDS_HEADERS.did]: [did, did] }),
      (e) => RecordErrors.unsigned.is(e),
    );
  });
});
