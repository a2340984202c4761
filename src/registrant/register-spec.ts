// The `--register SPEC` syntax, in the spirit of chan_sip's `register =>` line:
//
//   USER[:PASSWORD]@HOST[:PORT][;transport=udp|tcp|tls|ws|wss][;expires=N][;auth_user=NAME]
//
// The AOR is sip:USER@HOST (with :PORT when given, so the registrar is reached there); the registrar
// URI is sip:HOST[:PORT]; the account id is "USER@HOST[:PORT]" and the Contact user is USER. The
// password runs to the last '@' (it may contain ':' and '@'); HOST may be an IPv6 literal in brackets.
import { ALL_PROTOCOLS, type TransportProtocol } from "../transport/types.js";
import type { AccountInput } from "./account.js";
import { RegistrantError } from "./errors.js";

export function parseRegisterSpec(spec: string): AccountInput {
  const text = spec.trim();
  const at = text.lastIndexOf("@");
  if (at <= 0) throw bad(spec, "expected USER[:PASSWORD]@HOST");
  const userinfo = text.slice(0, at);
  const [hostPort = "", ...params] = text.slice(at + 1).split(";");
  const colon = userinfo.indexOf(":");
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const password = colon < 0 ? undefined : userinfo.slice(colon + 1);
  if (user === "") throw bad(spec, "the user is empty");
  if (!/^[A-Za-z0-9\-_.!~*'()&=+$,?/%]+$/.test(user)) throw bad(spec, `"${user}" is not a valid SIP user`);
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(hostPort);
  if (m === null) throw bad(spec, `"${hostPort}" is not HOST[:PORT]`);
  const host = m[1]!;
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65535)) throw bad(spec, `port ${port} is out of range`);
  const where = port === undefined ? host : `${host}:${port}`;
  const input: AccountInput = { id: `${user}@${where}`, aor: `sip:${user}@${where}`, registrar: `sip:${where}`, contactUser: user };
  if (password !== undefined && password !== "") input.password = password;
  for (const p of params) {
    if (p === "") continue;
    const eq = p.indexOf("=");
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? "" : p.slice(eq + 1).trim();
    switch (name) {
      case "transport":
        if (!(ALL_PROTOCOLS as readonly string[]).includes(value.toLowerCase())) throw bad(spec, `transport must be one of ${ALL_PROTOCOLS.join(", ")}`);
        input.transport = value.toLowerCase() as TransportProtocol;
        break;
      case "expires":
        if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw bad(spec, "expires must be a positive number of seconds");
        input.expires = Number(value);
        break;
      case "auth_user":
        if (value === "") throw bad(spec, "auth_user is empty");
        input.authUsername = value;
        break;
      default:
        throw bad(spec, `unknown parameter "${name}" (transport, expires, auth_user)`);
    }
  }
  return input;
}

/** Several SPECs (repeatable flag); two with the same USER@HOST[:PORT] are refused. */
export function parseRegisterSpecs(specs: readonly string[]): AccountInput[] {
  const seen = new Set<string>();
  return specs.map((s) => {
    const a = parseRegisterSpec(s);
    if (seen.has(a.id)) throw bad(s, `${a.id} is given twice`);
    seen.add(a.id);
    return a;
  });
}

function bad(spec: string, why: string): RegistrantError {
  // The password is not repeated in the message.
  const shown = spec.replace(/^([^:@]*):[^@]*(@.*)$/, "$1:***$2");
  return new RegistrantError("REGISTRANT_BAD_SOURCE", `--register ${shown}: ${why}`);
}
