// Helpers shared by the message-layer tests (*.test.ts beside this file); not used by the library itself.
import { readFileSync } from "node:fs";
import { headerKey } from "./header-names.js";
import { unescapePercent, unquote } from "./lexical.js";
import type { SipMessage } from "./message.js";
import { Params } from "./params.js";
import { SipParseError } from "./parse-error.js";
import {
  contactExpires,
  contactInstance,
  contactMethods,
  contactPubGruu,
  contactQ1000,
  contactRegId,
  contactTempGruu,
} from "./headers/contact.js";
import type { NameAddr } from "./headers/name-addr.js";
import { viaBranch, viaRport } from "./headers/via.js";

/** A file under src/sip/fixtures/, read from the source tree (the compiled tests live in dist/src/sip/). */
export function fixtureBytes(relative: string): Buffer {
  return readFileSync(new URL(`../../../src/sip/fixtures/${relative}`, import.meta.url));
}

export function fixtureUrl(relative: string): URL {
  return new URL(`../../../src/sip/fixtures/${relative}`, import.meta.url);
}

/**
 * Reads every typed view a message offers (and the per-value helpers of Via and Contact). Each may throw
 * SipParseError for a defective header; anything else is rethrown. Returns how many threw.
 */
export function readAllAccessors(msg: SipMessage): number {
  let failures = 0;
  const read = (fn: () => unknown): void => {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      failures++;
    }
  };
  read(() => msg.topVia);
  read(() => msg.vias.map((v) => [viaBranch(v), viaRport(v)]));
  read(() => msg.from);
  read(() => msg.to);
  read(() => msg.fromTag);
  read(() => msg.toTag);
  read(() => msg.callId);
  read(() => msg.cseq);
  read(() => msg.contacts);
  read(() => {
    for (const c of msg.contacts) {
      if (c.kind !== "binding") continue;
      for (const f of [contactExpires, contactQ1000, contactInstance, contactRegId, contactMethods, contactPubGruu, contactTempGruu]) {
        read(() => f(c));
      }
    }
  });
  read(() => msg.expires);
  read(() => msg.minExpires);
  read(() => msg.maxForwards);
  read(() => msg.contentLength);
  read(() => msg.contentType);
  read(() => msg.retryAfter);
  read(() => msg.flowTimer);
  read(() => msg.timestamp);
  read(() => msg.date);
  read(() => msg.supported);
  read(() => msg.require);
  read(() => msg.proxyRequire);
  read(() => msg.unsupported);
  read(() => msg.allow);
  for (const k of ["route", "record-route", "path", "service-route"] as const) read(() => msg.nameAddrList(k));
  read(() => msg.userAgent);
  read(() => msg.server);
  if (msg.kind === "request") read(() => msg.uri);
  return failures;
}

/** What a path names when the value is absent (JSON has no undefined). */
export const ABSENT = "$absent";

type Token = { k: "id"; v: string } | { k: "idx"; v: number } | { k: "key"; v: string } | { k: "pipe"; v: string };

function tokenize(path: string): Token[] {
  const re = /\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\|(\w+)/y;
  const out: Token[] = [];
  while (re.lastIndex < path.length) {
    const at = re.lastIndex;
    const m = re.exec(path);
    if (m === null) throw new Error(`bad path "${path}" at ${at}`);
    if (m[1] !== undefined) out.push({ k: "id", v: m[1] });
    else if (m[2] !== undefined) out.push({ k: "idx", v: Number(m[2]) });
    else if (m[3] !== undefined) out.push({ k: "key", v: JSON.parse(m[3]) as string });
    else out.push({ k: "pipe", v: m[4]! });
  }
  return out;
}

const NAME_ADDR_LISTS: Readonly<Record<string, "route" | "record-route" | "path" | "service-route">> = {
  route: "route",
  recordRoute: "record-route",
  path: "path",
  serviceRoute: "service-route",
};

const PIPES: Readonly<Record<string, (v: unknown) => unknown>> = {
  unescape: (v) => unescapePercent(v as string),
  unquote: (v) => unquote(v as string),
  length: (v) => (v as { length: number }).length,
  utf8: (v) => (v as Buffer).toString("utf8"),
  q: (v) => contactQ1000(v as NameAddr),
  expires: (v) => contactExpires(v as NameAddr),
  instance: (v) => contactInstance(v as NameAddr),
  regId: (v) => contactRegId(v as NameAddr),
  methods: (v) => contactMethods(v as NameAddr),
};

/**
 * Evaluates a path on a message, as the fixture expectations write them:
 * `to.params.tag`, `vias[1].host`, `header["Subject"]` (first raw value), `headers["Via"]` (all raw values),
 * `route[0].uri.host` (Route/Record-Route/Path/Service-Route as name-addrs), `params["odd.name"]`,
 * and pipes: `|unescape`, `|unquote`, `|length`, `|utf8`, `|q`, `|expires`, `|instance`, `|regId`, `|methods`.
 * Params are looked up by name (`params.size` and `params.list` are the properties). Absent gives "$absent".
 * Accessors run as the path is walked, so a defective header throws its SipParseError.
 */
export function resolvePath(msg: SipMessage, path: string): unknown {
  const toks = tokenize(path);
  let cur: unknown = msg;
  let i = 0;
  const t0 = toks[0];
  const t1 = toks[1];
  if (t0?.k === "id" && (t0.v === "header" || t0.v === "headers") && t1?.k === "key") {
    const key = headerKey(t1.v);
    cur = t0.v === "header" ? msg.headers.get(key) : msg.headers.getAll(key);
    i = 2;
  } else if (t0?.k === "id" && NAME_ADDR_LISTS[t0.v] !== undefined) {
    cur = msg.nameAddrList(NAME_ADDR_LISTS[t0.v]!);
    i = 1;
  }
  for (; i < toks.length; i++) {
    const t = toks[i]!;
    if (cur === undefined || cur === null) return ABSENT;
    if (t.k === "pipe") {
      const f = PIPES[t.v];
      if (f === undefined) throw new Error(`unknown pipe ${t.v}`);
      cur = f(cur);
    } else if (t.k === "idx") {
      cur = (cur as unknown[])[t.v];
    } else if (cur instanceof Params && (t.k === "key" || (t.v !== "size" && t.v !== "list"))) {
      cur = cur.get(t.v.toLowerCase());
    } else {
      cur = (cur as Record<string, unknown>)[t.v];
    }
  }
  return cur === undefined ? ABSENT : cur;
}
