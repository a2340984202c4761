// Where accounts come from besides the library API: a `--register SPEC` (register-spec.ts), the
// Kamailio-compatible `uacreg` table (uacreg-table.ts), OpenSIPS uac_registrant `uac` lines
// (opensips-uac.ts). A source that can be read again serves uac.reg_reload and uac.reg_refresh.
import type { AccountInput } from "./account.js";

export interface AccountSource {
  /** Every account the source holds (uac.reg_reload). */
  loadAll(): AccountInput[];
  /** One account by id (uac.reg_refresh), or undefined when the source has none. */
  loadOne(id: string): AccountInput | undefined;
}

/** A fixed list (the config file, `--register` SPECs) as a source. */
export class StaticAccountSource implements AccountSource {
  private readonly accounts: readonly AccountInput[];
  constructor(accounts: readonly AccountInput[]) {
    this.accounts = accounts;
  }
  loadAll(): AccountInput[] {
    return this.accounts.map((a) => ({ ...a }));
  }
  loadOne(id: string): AccountInput | undefined {
    const a = this.accounts.find((x) => x.id === id);
    return a === undefined ? undefined : { ...a };
  }
}

export { parseRegisterSpec, parseRegisterSpecs } from "./register-spec.js";
export { UacregTable, UACREG_SCHEMA, uacregRowToAccount, type UacregRow } from "./uacreg-table.js";
export { parseOpensipsUac, parseOpensipsUacLines } from "./opensips-uac.js";
