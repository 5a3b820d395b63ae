import assert from "node:assert/strict";
import { it } from "node:test";
import { build } from "esbuild";

// The SDK and protocol must run in a citizen's browser: bundling them for the
// browser platform fails on any Node built-in they (or their dependencies) import.
for (const entry of ["packages/sdk/src/index.ts", "packages/protocol/src/index.ts"]) {
  it(`${entry} bundles for the browser with no Node built-ins`, async () => {
    const r = await build({
      entryPoints: [entry],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(r.metafile.inputs);
    assert.ok(inputs.length > 5);
    for (const i of inputs) assert.ok(!i.startsWith("node:"), `bundle pulls in ${i}`);
    const size = r.outputFiles[0]?.contents.length ?? 0;
    assert.ok(size > 1000);
  });
}
