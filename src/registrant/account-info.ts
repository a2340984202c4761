// What the management commands show of an account (OpenSIPS reg_list, Kamailio uac.reg_dump and
// uac.reg_info): its settings under the Kamailio column names where there is one, and its runtime
// state. Secrets (password, HA1) are never shown, only whether they are set.
import { stateCode } from "./account-state.js";
import type { Registration, RegistrationStatus } from "./registration.js";

export interface AccountInfo extends RegistrationStatus {
  /** Kamailio l_uuid. */
  l_uuid: string;
  l_username: string;
  l_domain: string;
  /** The AOR's user and host (Kamailio r_username, r_domain). */
  r_username: string;
  r_domain: string;
  aor: string;
  registrar: string;
  /** Kamailio auth_proxy: the outbound proxy. */
  auth_proxy: string | undefined;
  realm: string | undefined;
  auth_username: string;
  /** A password or HA1 is configured. */
  has_secret: boolean;
  contact_user: string;
  contact_addr: string | undefined;
  socket: string | undefined;
  transport: string | undefined;
  line: string | undefined;
  endpoint: string | undefined;
  reg_delay: number;
  /** The OpenSIPS state number (0..7, DISABLED 8). */
  state_code: number;
}

/** Kamailio's filter attributes for uac.reg_info / reg_enable / reg_disable. */
export type AccountAttribute = "l_uuid" | "l_username" | "r_username" | "auth_username";

export const ACCOUNT_ATTRIBUTES: readonly AccountAttribute[] = ["l_uuid", "l_username", "r_username", "auth_username"];

export function attributeOf(reg: Registration, attr: AccountAttribute): string {
  const a = reg.account;
  switch (attr) {
    case "l_uuid":
      return a.id;
    case "l_username":
      return a.localUser;
    case "r_username":
      return a.aorUser;
    case "auth_username":
      return a.authUsername;
  }
}

export function accountInfo(reg: Registration): AccountInfo {
  const a = reg.account;
  const s = reg.status();
  return {
    l_uuid: a.id,
    l_username: a.localUser,
    l_domain: a.localDomain,
    r_username: a.aorUser,
    r_domain: a.aorHost,
    aor: a.aor,
    registrar: a.registrar,
    auth_proxy: a.outboundProxy,
    realm: a.realm,
    auth_username: a.authUsername,
    has_secret: a.password !== undefined || a.ha1 !== undefined,
    contact_user: a.contactUser,
    contact_addr: a.contactAddress,
    socket: a.socket,
    transport: a.transport,
    line: a.lineToken,
    endpoint: a.endpoint,
    reg_delay: a.regDelay,
    state_code: stateCode(s.state),
    ...s,
  };
}
