/**
 * Handlers of the encrypted record store's routes (see records-routes.ts in
 * @urbis/protocol). They pass the raw request — method, URL with query,
 * headers — to the store, which checks the signature over exactly those.
 */
import { RecordErrors } from "@urbis/protocol";
import type { RecordStoreService, SignedHttpRequest } from "../records/service.js";
import type { ApiHandlers, HandlerContext } from "./handlers.js";

/** The record routes' handlers; without a store (`records` unset) they answer `records.unavailable`. */
export function createRecordHandlers(
  records: RecordStoreService | undefined,
): Pick<ApiHandlers, "putRecordBlob" | "addRecordKeys" | "getRecordBlob"> {
  const store = (): RecordStoreService => {
    if (!records) throw RecordErrors.unavailable.create("this node serves no record store");
    return records;
  };
  const signed = (ctx: HandlerContext): SignedHttpRequest => ({
    method: ctx.request.method,
    url: ctx.request.url,
    headers: ctx.request.headers,
  });
  return {
    async putRecordBlob({ params, body }, ctx) {
      const r = await store().put(signed(ctx), params.contentHash, body);
      ctx.status(r.created ? 201 : 200);
      return r;
    },
    addRecordKeys({ params, body }, ctx) {
      return store().addKeys(signed(ctx), params.contentHash, body);
    },
    getRecordBlob({ params, query }, ctx) {
      return store().get(signed(ctx), params.contentHash, query.access);
    },
  };
}
