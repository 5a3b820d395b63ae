/**
 * Message handlers of the health module: stateless validation, then the
 * keeper, then events. Providers' messages need the `health.provider` role;
 * consents and reads are authorized by key in the keeper (the patient's, the
 * reader's); research publication needs membership here and a research or
 * regulator role in the keeper.
 */
import {
  accessRecordMsg,
  grantConsentMsg,
  PROVIDER_ROLE,
  publishResearchMsg,
  registerPatientMsg,
  registerRecordMsg,
  revokeConsentMsg,
  validateAccessRecordMsg,
  validateGrantConsentMsg,
  validatePublishResearchMsg,
  validateRegisterPatientMsg,
  validateRegisterRecordMsg,
  validateRevokeConsentMsg,
} from "@urbis/protocol";
import { ANYONE, handler, MEMBER, type MessageHandler, requiresRole } from "../../framework/module.js";
import {
  accessEvents,
  consentGrantedEvent,
  consentRevokedEvent,
  patientRegisteredEvent,
  recordEvent,
  researchPublishedEvent,
} from "./events.js";
import type { HealthKeeper } from "./keeper.js";

/** Handlers of every `health/*` message. */
export function healthHandlers(keeper: HealthKeeper): MessageHandler<unknown>[] {
  return [
    handler(registerPatientMsg, requiresRole(PROVIDER_ROLE), validateRegisterPatientMsg, (ctx, m) => {
      ctx.emit(patientRegisteredEvent(keeper.registerPatient(ctx, m)));
    }),
    handler(registerRecordMsg, requiresRole(PROVIDER_ROLE), validateRegisterRecordMsg, (ctx, m) => {
      ctx.emit(recordEvent(keeper.registerRecord(ctx, m)));
    }),
    handler(grantConsentMsg, ANYONE, validateGrantConsentMsg, (ctx, m) => {
      ctx.emit(consentGrantedEvent(keeper.grantConsent(ctx, m)));
    }),
    handler(revokeConsentMsg, ANYONE, validateRevokeConsentMsg, (ctx, m) => {
      ctx.emit(consentRevokedEvent(keeper.revokeConsent(ctx, m.consentId)));
    }),
    handler(accessRecordMsg, ANYONE, validateAccessRecordMsg, (ctx, m) => {
      for (const e of accessEvents(keeper.logAccess(ctx, m))) ctx.emit(e);
    }),
    handler(publishResearchMsg, MEMBER, validatePublishResearchMsg, (ctx, m) => {
      ctx.emit(researchPublishedEvent(keeper.publishResearch(ctx, m)));
    }),
  ];
}
