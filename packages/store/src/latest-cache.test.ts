import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { LatestCache } from "./latest-cache.js";

const key = (n: number) => Uint8Array.of(n >> 8, n & 0xff);

describe("LatestCache", () => {
  it("answers like the table it caches, whatever it evicted", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 20 }), fc.option(fc.integer({ min: 0, max: 255 }))), {
          maxLength: 200,
        }),
        (capacity, ops) => {
          const table = new Map<number, Uint8Array>();
          const cache = new LatestCache(capacity);
          let loads = 0;
          for (const [isWrite, k, v] of ops) {
            if (isWrite) {
              if (v === null) table.delete(k);
              else table.set(k, Uint8Array.of(v));
              cache.write(key(k), v === null ? null : Uint8Array.of(v));
            } else {
              const got = cache.read(key(k), () => {
                loads++;
                return table.get(k);
              });
              assert.deepEqual(got, table.get(k));
            }
            assert.ok(cache.size <= 2 * Math.ceil(capacity / 2));
          }
          assert.ok(loads <= ops.length);
        },
      ),
    );
  });

  it("keeps a key in use across generations", () => {
    const cache = new LatestCache(4);
    let loads = 0;
    const load = () => {
      loads++;
      return Uint8Array.of(1);
    };
    cache.read(key(0), load);
    for (let i = 1; i < 50; i++) {
      cache.read(key(i), load); // a stream of cold keys
      cache.read(key(0), load); // and one hot key between them
    }
    assert.equal(loads, 50); // the hot key was loaded once
  });

  it("caches nothing with capacity 0", () => {
    const cache = new LatestCache(0);
    let loads = 0;
    for (let i = 0; i < 3; i++)
      cache.read(key(1), () => {
        loads++;
        return undefined;
      });
    cache.write(key(1), Uint8Array.of(2));
    assert.equal(loads, 3);
    assert.equal(cache.size, 0);
    assert.equal(cache.get(key(1)), undefined);
  });
});
