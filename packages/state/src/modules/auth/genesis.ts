/** Auth genesis: parameters only (accounts come into being with their first transaction or funds). */
import {
  type AuthParams,
  accountCodec,
  DEFAULT_AUTH_PARAMS,
  decode,
  encodeAddress,
  MAX_U64,
  prefixEnd,
} from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import { JsonReader } from "../../framework/json.js";
import type { GenesisHandler, Json } from "../../framework/module.js";
import type { AuthKeeper } from "./keeper.js";
import { ACCOUNT_PREFIX } from "./keys.js";

/** Auth genesis section. */
export interface AuthGenesis {
  params: AuthParams;
  /** Sequences of existing accounts (from an export); new chains leave this empty. */
  accounts: { address: string; sequence: bigint }[];
}

/** Genesis handler of the auth module. */
export function authGenesis(keeper: AuthKeeper): GenesisHandler<AuthGenesis> {
  return {
    parse(json) {
      const j = new JsonReader(AppErrors.invalidGenesis, "auth");
      if (json === undefined) return { params: DEFAULT_AUTH_PARAMS, accounts: [] };
      const o = j.object(json);
      const p = o.params === undefined ? {} : j.at("params").object(o.params);
      const maxTxsPerWindow =
        p.maxTxsPerWindow === undefined
          ? DEFAULT_AUTH_PARAMS.maxTxsPerWindow
          : j.at("params.maxTxsPerWindow").smallUint(p.maxTxsPerWindow, 0xffff_ffff);
      const windowBlocks =
        p.windowBlocks === undefined
          ? DEFAULT_AUTH_PARAMS.windowBlocks
          : j.at("params.windowBlocks").uint(p.windowBlocks, 1n << 32n);
      if (windowBlocks < 1n) j.at("params.windowBlocks").fail("must be at least 1");
      const accounts = (o.accounts === undefined ? [] : j.at("accounts").array(o.accounts)).map((a, i) => {
        const ja = j.at(`accounts[${i}]`);
        const ao = ja.object(a);
        return {
          address: ja.at("address").address(ao.address),
          sequence: ja.at("sequence").uint(ao.sequence, MAX_U64),
        };
      });
      return { params: { maxTxsPerWindow, windowBlocks }, accounts };
    },
    init(ctx, g) {
      keeper.setParams(ctx.store, g.params);
      for (const a of g.accounts)
        keeper.setAccount(ctx.store, a.address, { sequence: a.sequence, windowStart: 0n, windowCount: 0 });
    },
    export(ctx) {
      const p = keeper.params(ctx.store);
      const accounts: Json[] = [];
      for (const [k, v] of ctx.store.iterate(ACCOUNT_PREFIX, prefixEnd(ACCOUNT_PREFIX))) {
        const a = decode(accountCodec, v);
        accounts.push({ address: encodeAddress(k.subarray(ACCOUNT_PREFIX.length)), sequence: a.sequence.toString() });
      }
      return { params: { maxTxsPerWindow: p.maxTxsPerWindow, windowBlocks: p.windowBlocks.toString() }, accounts };
    },
  };
}
