import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SerialExecutor } from "./executor.js";

describe("SerialExecutor", () => {
  it("runs one task at a time, each lane in order, the priority lane first", async () => {
    const ex = new SerialExecutor();
    const order: string[] = [];
    let running = 0;
    const task =
      (name: string, ms = 0) =>
      async () => {
        running++;
        assert.equal(running, 1, "never two tasks at once");
        order.push(name);
        if (ms) await new Promise((r) => setTimeout(r, ms));
        running--;
      };
    const first = ex.run(task("n1", 5));
    await new Promise((r) => setImmediate(r)); // n1 is running now
    const done = [
      first,
      ex.run(task("n2")),
      ex.run(task("n3")),
      ex.run(task("p1"), true),
      ex.run(task("p2", 2), true),
      ex.run(task("n4")),
    ];
    await Promise.all(done);
    // After the running task, every priority task before the waiting normal ones.
    assert.deepEqual(order, ["n1", "p1", "p2", "n2", "n3", "n4"]);
    assert.equal(ex.pending, 0);
  });

  it("keeps going after a failing task and settles each with its own outcome", async () => {
    const ex = new SerialExecutor();
    const a = ex.run(() => {
      throw new Error("boom");
    });
    const b = ex.run(() => 2, true);
    await assert.rejects(a, /boom/);
    assert.equal(await b, 2);
    await ex.idle();
  });
});
