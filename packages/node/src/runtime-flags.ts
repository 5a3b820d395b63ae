/**
 * Node.js/V8 flags a node process runs with (`urbis testnet`,
 * the network tests and the benchmark pass them, and the `npm start` script
 * repeats them, since package.json cannot import; `urbis start` run by hand
 * works without them, only slower).
 *
 * `--max-semi-space-size=32`: every transaction allocates many short-lived
 * objects (decoded values, checkpoint maps, keys), so V8's default young
 * generation fills several times per block and each scavenge pauses the one
 * thread that runs the state machine. Twice the default semi-space (32 MiB)
 * means about half as many scavenges, for up to ~48 MiB more young-generation
 * memory; bench/RESULTS.md has the measured difference in committed
 * transfers per second.
 */
export const NODE_RUNTIME_FLAGS: readonly string[] = ["--max-semi-space-size=32"];
