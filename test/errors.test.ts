import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { registeredErrors } from "@urbis/protocol";
import { errorsDoc } from "../scripts/errors-doc.js";

it("error codes are unique per codespace and nonzero", () => {
  const all = registeredErrors();
  assert.ok(all.length > 30);
  const seen = new Set<string>();
  for (const d of all) {
    const k = `${d.codespace}/${d.code}`;
    assert.ok(!seen.has(k), `duplicate ${k}`);
    seen.add(k);
    assert.ok(d.code > 0);
    assert.ok(d.description.length > 10, `${k} needs a description`);
  }
});

it("docs/errors.md documents every registered code (regenerate with scripts/errors-doc.ts --write)", () => {
  const doc = readFileSync(new URL("../docs/errors.md", import.meta.url), "utf8");
  assert.equal(doc, errorsDoc());
});
