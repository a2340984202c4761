// The transaction layer's public surface (RFC 3261 §17, RFC 6026).
export { TransactionLayer, type TransactionLayerOptions, type TransactionTransport } from "./transaction-layer.js";
export type {
  ClientHandlers,
  ClientTransaction,
  InviteClientState,
  InviteServerState,
  NonInviteClientState,
  NonInviteServerState,
  ServerTransaction,
  TransactionStats,
  TransactionUser,
} from "./types.js";
export { TransactionError, TransactionTimeoutError, TransactionTransportError, type TransactionErrorCode, type TimeoutTimer } from "./errors.js";
export { timerValues, forTransport, DEFAULT_TIMER_SETTINGS, TRYING_DELAY_MS, type TimerSettings, type TimerValues } from "./timer-values.js";
export { addVia, type ViaSentBy } from "./add-via.js";
export { buildAckForNon2xx, buildCancel } from "./request-builders.js";
export { clientKey, serverKey, serverKeyAs, responseKey } from "./keys.js";
export { DEFAULT_CAPABILITIES, type Capabilities } from "./options-answer.js";
