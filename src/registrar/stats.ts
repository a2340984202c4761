// Registrar statistics (Kamailio registrar "Statistics": accepted_regs, rejected_regs, max_expires,
// max_contacts, default_expires), with rejections by reason and auth counters.
import type { RejectionCode } from "./rejections.js";

export interface RegistrarStats {
  accepted_regs: number;
  rejected_regs: number;
  rejected_by_reason: Partial<Record<RejectionCode, number>>;
  /** Configured values, exposed as statistics like Kamailio does. */
  max_expires: number;
  max_contacts: number;
  default_expires: number;
  /** REGISTERs answered 401 with a challenge. */
  auth_challenges: number;
  /** Credentials that failed to verify. */
  auth_failures: number;
  /** Queries (REGISTER without Contact). */
  queries: number;
  /** Live AORs and contacts in the location service. */
  aors: number;
  contacts: number;
  /** Contacts that expired. */
  expired_contacts: number;
}

export class RegistrarCounters {
  accepted = 0;
  rejected = 0;
  readonly byReason: Partial<Record<RejectionCode, number>> = {};
  authChallenges = 0;
  authFailures = 0;
  queries = 0;
  expired = 0;

  rejectedFor(code: RejectionCode): void {
    this.rejected++;
    this.byReason[code] = (this.byReason[code] ?? 0) + 1;
  }
}
