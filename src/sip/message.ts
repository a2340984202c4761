// The SIP message model (RFC 3261 §7): a request or a response, headers kept in order as written,
// typed views of the headers parsed on first use and cached.
import { HeaderList } from "./header-list.js";
import { SipParseError } from "./parse-error.js";
import { isSipUri, parseUri, UriError, type Uri } from "./uri.js";
import { parseVia, type Via } from "./headers/via.js";
import { parseNameAddr, type NameAddr } from "./headers/name-addr.js";
import { parseCSeq, type CSeq } from "./headers/cseq.js";
import { parseContacts, type ContactValue } from "./headers/contact.js";
import { parseDeltaSeconds, parseMaxForwards, parseRetryAfter, parseTimestamp, type RetryAfter, type Timestamp } from "./headers/numeric.js";
import { parseTokenList } from "./headers/option-tags.js";
import { parseDate } from "./headers/date.js";
import { badHeader } from "./headers/header-error.js";
import { splitList } from "./lexical.js";

export const EMPTY_BODY: Buffer = Buffer.alloc(0);

// Shared result for absent token-list headers (most messages): callers must not mutate it.
const NO_TOKENS: string[] = Object.freeze([]) as unknown as string[];

abstract class SipMessageBase {
  headers: HeaderList;
  body: Buffer;
  /** SIP version of the start line, "SIP/2.0". */
  version = "SIP/2.0";

  private cVias: Via[] | undefined;
  private cTopVia: Via | undefined;
  private cFrom: NameAddr | undefined;
  private cTo: NameAddr | undefined;
  private cCSeq: CSeq | undefined;
  private cContacts: ContactValue[] | undefined;

  constructor(headers: HeaderList, body: Buffer) {
    this.headers = headers;
    this.body = body;
  }

  /** Forgets cached typed views after the headers were changed in place. */
  invalidate(): void {
    this.cVias = undefined;
    this.cTopVia = undefined;
    this.cFrom = undefined;
    this.cTo = undefined;
    this.cCSeq = undefined;
    this.cContacts = undefined;
  }

  /** The topmost Via (§8.2.6, §18.2.2); throws SipParseError when absent or malformed. */
  get topVia(): Via {
    if (this.cTopVia !== undefined) return this.cTopVia;
    // Only the first value is needed: split just the first line that has one (most have no comma at all).
    const { keys, values } = this.headers;
    let first: string | undefined;
    for (let i = keys.indexOf("via"); i >= 0; i = keys.indexOf("via", i + 1)) {
      const v = values[i]!;
      first ??= v;
      if (v.indexOf(",") < 0) {
        if (v.length === 0) continue;
        return (this.cTopVia = parseVia(v));
      }
      const parts = splitList(v);
      if (parts === null) throw badHeader("via", "unbalanced quotes or <>");
      if (parts.length > 0) return (this.cTopVia = parseVia(parts[0]!));
    }
    if (first === undefined) throw missing("via");
    return (this.cTopVia = parseVia(first));
  }

  /** Every Via, top first. */
  get vias(): Via[] {
    if (this.cVias === undefined) {
      this.cVias = this.headers.listValues("via").map(parseVia);
      if (this.cVias.length > 0) this.cTopVia = this.cVias[0];
    }
    return this.cVias;
  }

  get from(): NameAddr {
    return (this.cFrom ??= parseSingleNameAddr(this.headers, "from"));
  }

  get to(): NameAddr {
    return (this.cTo ??= parseSingleNameAddr(this.headers, "to"));
  }

  get fromTag(): string | undefined {
    return this.from.params.get("tag") ?? undefined;
  }

  get toTag(): string | undefined {
    return this.to.params.get("tag") ?? undefined;
  }

  get callId(): string {
    const v = this.headers.single("call-id");
    if (v === undefined || v.length === 0) throw missing("call-id");
    return v;
  }

  get cseq(): CSeq {
    if (this.cCSeq !== undefined) return this.cCSeq;
    const v = this.headers.single("cseq");
    if (v === undefined) throw missing("cseq");
    return (this.cCSeq = parseCSeq(v));
  }

  /** Every Contact value of every Contact line ("*" as its own kind). */
  get contacts(): ContactValue[] {
    return (this.cContacts ??= parseContacts(this.headers.getAll("contact")));
  }

  /** Expires header in seconds, undefined when absent (§20.19). */
  get expires(): number | undefined {
    const v = this.headers.single("expires");
    return v === undefined ? undefined : parseDeltaSeconds(v, "expires");
  }

  get minExpires(): number | undefined {
    const v = this.headers.single("min-expires");
    return v === undefined ? undefined : parseDeltaSeconds(v, "min-expires");
  }

  get maxForwards(): number | undefined {
    const v = this.headers.single("max-forwards");
    return v === undefined ? undefined : parseMaxForwards(v);
  }

  get contentLength(): number {
    return this.body.length;
  }

  get contentType(): string | undefined {
    return this.headers.get("content-type");
  }

  get retryAfter(): RetryAfter | undefined {
    const v = this.headers.get("retry-after");
    return v === undefined ? undefined : parseRetryAfter(v);
  }

  /** Flow-Timer (RFC 5626 §11): seconds between keepalives the registrar expects. */
  get flowTimer(): number | undefined {
    const v = this.headers.get("flow-timer");
    return v === undefined ? undefined : parseDeltaSeconds(v, "flow-timer");
  }

  get timestamp(): Timestamp | undefined {
    const v = this.headers.get("timestamp");
    return v === undefined ? undefined : parseTimestamp(v);
  }

  /** Date header as epoch milliseconds. */
  get date(): number | undefined {
    const v = this.headers.get("date");
    return v === undefined ? undefined : parseDate(v);
  }

  get supported(): string[] {
    return this.headers.has("supported") ? parseTokenList(this.headers.getAll("supported"), "supported") : NO_TOKENS;
  }
  get require(): string[] {
    return this.headers.has("require") ? parseTokenList(this.headers.getAll("require"), "require") : NO_TOKENS;
  }
  get proxyRequire(): string[] {
    return parseTokenList(this.headers.getAll("proxy-require"), "proxy-require");
  }
  get unsupported(): string[] {
    return parseTokenList(this.headers.getAll("unsupported"), "unsupported");
  }
  get allow(): string[] {
    return parseTokenList(this.headers.getAll("allow"), "allow").map((m) => m.toUpperCase());
  }

  /** Route-like headers (Route, Record-Route, Path, Service-Route) as name-addrs, in order. */
  nameAddrList(key: "route" | "record-route" | "path" | "service-route"): NameAddr[] {
    return this.headers.listValues(key).map((v) => parseNameAddr(v, key));
  }

  get userAgent(): string | undefined {
    return this.headers.get("user-agent");
  }
  get server(): string | undefined {
    return this.headers.get("server");
  }
}

export class SipRequest extends SipMessageBase {
  readonly kind = "request" as const;
  method: string;
  /** The Request-URI as written. */
  uriText: string;
  private cUri: Uri | undefined;

  constructor(method: string, uriText: string, headers: HeaderList = new HeaderList(), body: Buffer = EMPTY_BODY) {
    super(headers, body);
    this.method = method;
    this.uriText = uriText;
  }

  /**
   * The parsed Request-URI; throws SipParseError when malformed, or when a SIP URI carries headers,
   * which a Request-URI never may (§19.1.1 table, §19.1.5; RFC 4475 escruri).
   */
  get uri(): Uri {
    if (this.cUri !== undefined) return this.cUri;
    let u: Uri;
    try {
      u = parseUri(this.uriText);
    } catch (e) {
      if (e instanceof UriError) throw new SipParseError("SIP_PARSE_URI", `bad Request-URI: ${e.message}`);
      throw e;
    }
    if (isSipUri(u) && u.headers.length > 0) throw new SipParseError("SIP_PARSE_URI", "headers are not allowed in a Request-URI");
    return (this.cUri = u);
  }

  setUri(uriText: string): void {
    this.uriText = uriText;
    this.cUri = undefined;
  }
}

export class SipResponse extends SipMessageBase {
  readonly kind = "response" as const;
  status: number;
  reason: string;

  constructor(status: number, reason: string, headers: HeaderList = new HeaderList(), body: Buffer = EMPTY_BODY) {
    super(headers, body);
    this.status = status;
    this.reason = reason;
  }
}

export type SipMessage = SipRequest | SipResponse;

function parseSingleNameAddr(h: HeaderList, key: "from" | "to"): NameAddr {
  const v = h.get(key);
  if (v === undefined) throw missing(key);
  if (h.count(key) > 1) throw new SipParseError("SIP_PARSE_HEADER", `more than one ${key === "from" ? "From" : "To"} header`, key);
  return parseNameAddr(v, key);
}

function missing(key: string): SipParseError {
  return new SipParseError("SIP_PARSE_MISSING_HEADER", `missing ${key} header`, key);
}
