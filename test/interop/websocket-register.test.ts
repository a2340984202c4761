// Real peers: the two JavaScript SIP stacks that browsers' softphones are built on, JsSIP (npm
// "jssip") and SIP.js (npm "sip.js"), run here in Node and register over SIP over WebSocket (RFC 7118)
// at `sipreg serve`, over ws and over wss (the test certificate), with digest authentication. The
// binding must be stored as a WebSocket one (transport, listener, connection id); unregistering must
// remove it.
//
// Both libraries work in Node once given a WebSocket class: Node 20 has none, so the `ws` package's
// is installed as the global one, trusting the test certificate for wss (the libraries construct it
// as `new WebSocket(url, "sip")`, with no room for TLS options).
//
// auth.algorithms is [MD5]: both libraries support MD5 only, and both keep the LAST WWW-Authenticate
// of a 401 (each header value replaces the previous one as they parse), so with the default challenge
// set [MD5, SHA-256] they see only the SHA-256 challenge and give up with "Authentication Error"
// (RFC 8760 §2.4 wants the topmost supported one). Reported with baresip 1.0's similar failure.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { WebSocket as NodeWebSocket } from "ws";
import JsSIP from "jssip";
import type { RegisteredEvent } from "jssip/lib/UA.js";
import { Registerer, RegistererState, UserAgent } from "sip.js";
import { startServe, type ServeProcess } from "../support/serve-process.js";
import { makeTempDir, waitUntil, type TempDir } from "../support/temp-dir.js";
import { bindingsOf, readLocation, type LocationRow } from "../support/location-db.js";

const TLS = fileURLToPath(new URL("../../../test/support/tls/", import.meta.url));
const CA = readFileSync(`${TLS}cert.pem`);
const EXPIRES = 600;
const STEP_MS = 5000;

class TestWebSocket extends NodeWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols, { ca: CA });
  }
}
(globalThis as { WebSocket?: unknown }).WebSocket = TestWebSocket;

type Proto = "ws" | "wss";

interface Registration {
  /** Contact header values of the 200 to the REGISTER. */
  contacts: string[];
  unregister(): Promise<void>;
  stop(): Promise<void>;
}

function withTimeout<T>(what: string, p: Promise<T>, ms = STEP_MS): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)))]).finally(() => clearTimeout(t));
}

async function registerWithJsSip(url: string, user: string, password: string): Promise<Registration> {
  JsSIP.debug.disable();
  const ua = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(url)],
    uri: `sip:${user}@127.0.0.1`,
    password,
    register: false,
    register_expires: EXPIRES,
    user_agent: "JsSIP interop",
  });
  const stop = async (): Promise<void> => {
    if (!ua.isConnected()) return ua.stop();
    const closed = new Promise<void>((resolve) => ua.once("disconnected", () => resolve()));
    ua.stop();
    await withTimeout("JsSIP disconnect", closed).catch(() => undefined);
  };
  try {
    const registered = new Promise<RegisteredEvent>((resolve, reject) => {
      ua.once("registered", resolve);
      ua.once("registrationFailed", (e) => reject(new Error(`JsSIP registration failed: ${String(e.cause)} ${e.response?.status_code ?? ""}`)));
    });
    ua.once("connected", () => ua.register());
    ua.start();
    const e = await withTimeout("JsSIP registered", registered);
    const contacts = e.response.getHeaders("Contact");
    return {
      contacts,
      unregister: async () => {
        const done = new Promise<void>((resolve, reject) => {
          ua.once("unregistered", () => resolve());
          ua.once("registrationFailed", (f) => reject(new Error(`JsSIP unregistration failed: ${String(f.cause)}`)));
        });
        ua.unregister();
        await withTimeout("JsSIP unregistered", done);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function registerWithSipJs(url: string, user: string, password: string): Promise<Registration> {
  const ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${user}@127.0.0.1`),
    authorizationUsername: user,
    authorizationPassword: password,
    transportOptions: { server: url },
    logBuiltinEnabled: false,
    userAgentString: "SIP.js interop",
  });
  const stop = async (): Promise<void> => {
    await withTimeout("SIP.js stop", ua.stop()).catch(() => undefined);
  };
  try {
    await withTimeout("SIP.js transport connected", ua.start());
    const registerer = new Registerer(ua, { expires: EXPIRES });
    const reachState = (want: RegistererState): Promise<void> =>
      new Promise((resolve, reject) => {
        const listener = (s: RegistererState): void => {
          if (s === want) {
            registerer.stateChange.removeListener(listener);
            resolve();
          } else if (s === RegistererState.Terminated || (want === RegistererState.Registered && s === RegistererState.Unregistered)) {
            registerer.stateChange.removeListener(listener);
            reject(new Error(`SIP.js registerer went to ${s} instead of ${want}`));
          }
        };
        registerer.stateChange.addListener(listener);
      });
    let contacts: string[] = [];
    const registered = reachState(RegistererState.Registered);
    await registerer.register({ requestDelegate: { onAccept: (r) => (contacts = r.message.getHeaders("contact")) } });
    await withTimeout("SIP.js registered", registered);
    return {
      contacts,
      unregister: async () => {
        const unregistered = reachState(RegistererState.Unregistered);
        await registerer.unregister();
        await withTimeout("SIP.js unregistered", unregistered);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

const LIBRARIES = [
  { name: "JsSIP", register: registerWithJsSip },
  { name: "SIP.js", register: registerWithSipJs },
] as const;

describe("JavaScript SIP stacks register over WebSocket at sipreg serve", () => {
  let tmp: TempDir | undefined;
  let srv: ServeProcess | undefined;
  const users: string[] = [];

  before(async () => {
    tmp = makeTempDir("websocket");
    const data = tmp.join("data");
    const config = tmp.join("sipreg.yaml");
    writeFileSync(config, `tls: { cert: ${JSON.stringify(`${TLS}cert.pem`)}, key: ${JSON.stringify(`${TLS}key.pem`)} }\nauth:\n  algorithms: [MD5]\n`);
    for (const lib of ["jssip", "sipjs"]) for (const proto of ["ws", "wss"]) users.push(`${lib}-${proto}`);
    srv = await startServe(["--config", config, "--listen", "ws:127.0.0.1:0", "--listen", "wss:127.0.0.1:0", "--data", data, ...users.flatMap((u) => ["--user", `${u}:pw-${u}`])]);
  });

  after(async () => {
    const code = srv === undefined ? undefined : await srv.stop();
    tmp?.remove();
    if (srv !== undefined) assert.equal(code, 0, `sipreg serve did not stop cleanly:\n${srv.output()}`);
  });

  for (const lib of LIBRARIES) {
    for (const proto of ["ws", "wss"] as const satisfies readonly Proto[]) {
      it(`${lib.name} over ${proto}: digest registration stored as a WebSocket binding, then unregistration`, { timeout: 30_000 }, async () => {
        assert.ok(srv !== undefined && tmp !== undefined);
        const data = tmp.join("data");
        const port = srv.ports.get(`${proto}:127.0.0.1`);
        assert.ok(port !== undefined, srv.output());
        const user = `${lib.name === "JsSIP" ? "jssip" : "sipjs"}-${proto}`;
        const aor = `${user}@127.0.0.1`;
        const t0 = Date.now();
        const reg = await lib.register(`${proto}://127.0.0.1:${port}`, user, `pw-${user}`);
        try {
          // The 200 lists the library's contact (a random name at a .invalid host, RFC 7118 §5).
          assert.equal(reg.contacts.length, 1, JSON.stringify(reg.contacts));
          assert.match(reg.contacts[0]!, new RegExp(`^<sip:[^@]+@[^>]+\\.invalid;transport=ws>.*;expires=${EXPIRES}`));

          const rows = bindingsOf(readLocation(data), aor);
          assert.equal(rows.length, 1, JSON.stringify(rows));
          const b: LocationRow = rows[0]!;
          assert.match(b.contact, /^sip:[^@]+@[^;]+\.invalid;transport=ws$/);
          assert.match(b.received, new RegExp(`^${proto}:127\\.0\\.0\\.1:\\d+$`), "the source is the WebSocket connection's");
          assert.equal(b.socket, `${proto}:127.0.0.1:${port}`, "the listener it came in on");
          assert.equal(typeof b.connection_id, "number", "requests are sent back on this connection (RFC 7118 §5)");
          assert.match(b.user_agent, new RegExp(`^${lib.name.replace(".", "\\.")} interop`));
          assert.ok(b.expires >= t0 + EXPIRES * 1000 && b.expires <= Date.now() + EXPIRES * 1000);

          await reg.unregister();
          await waitUntil(`${aor} removed`, () => (bindingsOf(readLocation(data), aor).length === 0 ? true : undefined), 2000);
        } finally {
          await reg.stop();
        }
      });
    }
  }
});
