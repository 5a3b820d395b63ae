/**
 * Test support only (never part of a real chain, and not exported from the
 * package index): a stand-in for governance so tests can run governance-only
 * messages through the App without a proposal, a vote and a voting period.
 *
 * Add {@link testGovernanceModule} to the App's modules; then any account's
 * transaction carrying {@link execAsGovernance}`(msgs)` runs `msgs` as
 * `GOVERNANCE_ADDRESS`, through the App's permission checks, in one
 * checkpoint (all or none), exactly as an executing proposal would. Its events
 * are the transaction's events.
 */
import {
  defineMessage,
  GOVERNANCE_ADDRESS,
  MAX_MESSAGES,
  type MessageType,
  type Msg,
  msgCodec,
  vec,
} from "@urbis/protocol";
import { ANYONE, handler, type Module, type ModuleHost } from "../framework/module.js";

/** The wrapper message: its value is the list of messages to run as governance. */
export const testGovExecMsg: MessageType<Msg[]> = defineMessage("testgov/exec", vec(msgCodec, MAX_MESSAGES));

/** Origin (the stand-in transaction hash) the wrapped messages run under. */
export const TEST_GOVERNANCE_ORIGIN = "test";

/** The `testgov/exec` message running `msgs` as the governance authority. */
export function execAsGovernance(msgs: readonly Msg[]): Msg {
  return testGovExecMsg.wrap([...msgs]);
}

/**
 * The `testgov` module: one message, `testgov/exec` (permission ANYONE),
 * whose handler dispatches its messages as `GOVERNANCE_ADDRESS`. No state, no
 * genesis section (a `testgov` section, if given, must be empty).
 */
export function testGovernanceModule(): Module<Record<string, never>> {
  let host: ModuleHost | undefined;
  return {
    name: "testgov",
    messages: [
      handler(
        testGovExecMsg,
        ANYONE,
        () => {},
        (ctx, msgs) => {
          if (!host) throw new TypeError("testgov: the App did not bind this module");
          host.dispatch(ctx, GOVERNANCE_ADDRESS, msgs, TEST_GOVERNANCE_ORIGIN);
        },
      ),
    ],
    queries: [],
    genesis: {
      parse: () => ({}),
      init: () => {},
      export: () => ({}),
    },
    invariants: [],
    bind(h) {
      host = h;
    },
  };
}
