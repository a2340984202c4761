// The registrant (issue 5): keeps accounts registered at remote registrars and SIP trunks.
// Entry point: new Registrant({ stack, settings, source }) → add() / start() / stop().
export { Registrant, type RegistrantOptions, type RegistrantStack, type RegistrantEvent, type RegistrantStateEvent, type RegistrantListener, type RequestTo, type ReloadResult } from "./registrant.js";
export { resolveAccount, accountInputOf, DEFAULT_EXPIRES_SEC, type Account, type AccountInput, type ResolveAccountOptions } from "./account.js";
export { resolveSettings, DEFAULT_REGISTRANT_SETTINGS, type RegistrantSettings } from "./settings.js";
export { ACCOUNT_STATES, KAMAILIO_FLAGS, REG_STATUS, kamailioFlags, regStatus, stateCode, type AccountState, type RegStatusCode } from "./account-state.js";
export { ACCOUNT_ATTRIBUTES, type AccountAttribute, type AccountInfo } from "./account-info.js";
export type { RegistrantCounters } from "./counters.js";
export type { RegistrationStatus } from "./registration.js";
export type { FailureKind } from "./retry-policy.js";
export { AccountError, RegistrantError, type RegistrantErrorCode } from "./errors.js";
export { StaticAccountSource, UacregTable, UACREG_SCHEMA, uacregRowToAccount, parseRegisterSpec, parseRegisterSpecs, parseOpensipsUac, parseOpensipsUacLines, type AccountSource, type UacregRow } from "./account-source.js";
export { UriTargetResolver, type TargetResolver } from "./target-resolver.js";
