// Importer for OpenSIPS uac_registrant `uac` parameters (seed 000, §1.3.3): ten comma-separated
// fields, empty ones meaning "not set":
//
//   registrar, outbound proxy, aor, third party registrant, username, password,
//   binding URI, binding params, expiry, forced socket
//
// registrar, aor and binding URI are mandatory. OpenSIPS has no account id: the id is the AOR without
// its scheme ("alice@example.com"), with "#2", "#3"... for a second and third line of the same AOR.
import type { AccountInput } from "./account.js";
import { RegistrantError } from "./errors.js";

const FIELDS = ["registrar", "outbound proxy", "aor", "third party registrant", "username", "password", "binding URI", "binding params", "expiry", "forced socket"] as const;

/** One `uac` value, as written in modparam("uac_registrant", "uac", "...") (quotes already removed). */
export function parseOpensipsUac(line: string, seenIds: Set<string> = new Set()): AccountInput {
  const f = line.split(",").map((x) => x.trim());
  if (f.length !== FIELDS.length) throw bad(line, `expected ${FIELDS.length} comma-separated fields (${FIELDS.join(", ")}), got ${f.length}`);
  const [registrar, proxy, aor, thirdParty, username, password, binding, bindingParams, expiry, socket] = f as [string, string, string, string, string, string, string, string, string, string];
  for (const [name, v] of [["registrar", registrar], ["aor", aor], ["binding URI", binding]] as const) if (v === "") throw bad(line, `${name} is mandatory`);
  const base = aor.replace(/^sips?:/i, "");
  let id = base;
  for (let n = 2; seenIds.has(id); n++) id = `${base}#${n}`;
  seenIds.add(id);
  const input: AccountInput = { id, aor, registrar, contactUri: binding };
  if (proxy !== "") input.outboundProxy = proxy;
  if (thirdParty !== "") input.thirdPartyRegistrant = thirdParty;
  if (username !== "") input.authUsername = username;
  if (password !== "") input.password = password;
  if (bindingParams !== "") input.contactParams = bindingParams;
  if (expiry !== "") {
    if (!/^\d{1,9}$/.test(expiry) || Number(expiry) < 1) throw bad(line, `expiry "${expiry}" is not a positive number of seconds`);
    input.expires = Number(expiry);
  }
  if (socket !== "") input.socket = socket;
  return input;
}

/** Several `uac` values; ids stay unique across them. */
export function parseOpensipsUacLines(lines: readonly string[]): AccountInput[] {
  const seen = new Set<string>();
  return lines.filter((l) => l.trim() !== "").map((l) => parseOpensipsUac(l, seen));
}

function bad(line: string, why: string): RegistrantError {
  return new RegistrantError("REGISTRANT_BAD_SOURCE", `OpenSIPS uac "${line.slice(0, 120)}": ${why}`);
}
