import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { ephemeralPortsStart, freeBasePort } from "./node-process.js";

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

describe("freeBasePort", () => {
  it("gives a range of free ports below the kernel's ephemeral ports", async () => {
    const ephemeralLow = ephemeralPortsStart();
    for (let round = 0; round < 5; round++) {
      const base = await freeBasePort(4);
      assert.ok(base >= 10_000, `base ${base} is above the well-known and registered low ports`);
      assert.ok(base + 32 < ephemeralLow, `node ports up to ${base + 32} stay below ${ephemeralLow}`);
      for (let i = 0; i < 4; i++) for (const d of [0, 1, 2]) assert.ok(await canBind(base + 10 * i + d));
    }
  });
});
