// Parses one SIP message from bytes (RFC 3261 §7, §18.3): a whole datagram, or a frame cut from a stream
// by stream-framer.ts. Throws only SipParseError; the core headers are validated here so every layer
// above can rely on Via, From, To, Call-ID and CSeq being well formed.
import { HeaderList } from "./header-list.js";
import { headerKey } from "./header-names.js";
import { isToken, isWs, trimWs } from "./lexical.js";
import { DEFAULT_LIMITS, type ParserLimits } from "./limits.js";
import { EMPTY_BODY, SipRequest, SipResponse, type SipMessage } from "./message.js";
import { SipParseError } from "./parse-error.js";

export interface ParseOptions {
  limits?: ParserLimits;
  /**
   * True for a datagram: a Content-Length larger than what arrived is an error and extra bytes are
   * discarded (§18.3). False for a stream frame, which the framer cut to exactly the message.
   */
  datagram?: boolean;
}

const CRLFCRLF = Buffer.from("\r\n\r\n");
const LFLF = Buffer.from("\n\n");

export function parseMessage(buf: Buffer, options: ParseOptions = {}): SipMessage {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const datagram = options.datagram ?? true;
  if (buf.length > limits.maxMessageBytes) {
    throw new SipParseError("SIP_PARSE_TOO_LARGE", `message of ${buf.length} bytes exceeds ${limits.maxMessageBytes}`);
  }
  // Leading empty lines are ignored (§7.5).
  let start = 0;
  while (start < buf.length && (buf[start] === 13 || buf[start] === 10)) start++;
  let headEnd = buf.indexOf(CRLFCRLF, start);
  let sepLen = 4;
  if (headEnd < 0) {
    headEnd = buf.indexOf(LFLF, start);
    sepLen = 2;
    if (headEnd < 0) {
      // A datagram whose last header line ends the datagram lacks only the empty line (RFC 4475 baddn):
      // its end closes the header section and there is no body. A stream frame always has the empty line.
      const last = buf.length - 1;
      if (!datagram || last <= start || buf[last] !== 10) throw new SipParseError("SIP_PARSE_TRUNCATED", "no empty line after the headers");
      headEnd = buf[last - 1] === 13 ? last - 1 : last;
      sepLen = buf.length - headEnd;
    }
  }
  const head = buf.toString("utf8", start, headEnd);
  const bodyStart = headEnd + sepLen;

  const lineEnd = head.indexOf("\n");
  const startLine = stripCr(lineEnd < 0 ? head : head.slice(0, lineEnd));
  if (startLine.length > limits.maxLineBytes) throw new SipParseError("SIP_PARSE_LINE_TOO_LONG", "start line too long");
  const headers = new HeaderList();
  let msg: SipMessage;
  // A start line that is readable but wrong (unsupported version, extra SP) is reported only once the
  // header lines are read too, so the partial message holds what a 400 or 505 answer needs (§8.2.6).
  let startError: SipParseError | undefined;
  try {
    msg = parseStartLine(startLine, headers);
  } catch (e) {
    if (!(e instanceof SipParseError) || e.partial === undefined) throw e;
    startError = e;
    msg = e.partial;
  }

  try {
    try {
      splitHeaders(head, lineEnd < 0 ? head.length : lineEnd + 1, headers, limits);
    } catch (e) {
      // The start line's defect is the one to report; the partial keeps the headers read so far.
      if (startError === undefined) throw e;
    }
    if (startError !== undefined) throw startError;
    msg.body = bodyOf(buf, bodyStart, headers, datagram);
    validateCore(msg);
  } catch (e) {
    if (e instanceof SipParseError) e.partial = msg;
    throw e;
  }
  return msg;
}

function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}

// Request-Line = Method SP Request-URI SP SIP-Version; Status-Line = SIP-Version SP Status-Code SP Reason-Phrase.
// Exactly one SP between elements (§7.1, RFC 4475 lwsstart/trws/lwsruri).
function parseStartLine(line: string, headers: HeaderList): SipMessage {
  if (line.startsWith("SIP/") || line.startsWith("sip/")) {
    const sp1 = line.indexOf(" ");
    if (sp1 < 0) throw new SipParseError("SIP_PARSE_START_LINE", "status line without status code");
    checkVersion(line.slice(0, sp1));
    let sp2 = line.indexOf(" ", sp1 + 1);
    if (sp2 < 0) sp2 = line.length;
    if (sp2 - sp1 !== 4 || !isStatusCode(line, sp1 + 1)) {
      throw new SipParseError("SIP_PARSE_STATUS", `bad status code "${line.slice(sp1 + 1, Math.min(sp2, sp1 + 13))}"`);
    }
    return new SipResponse(Number(line.slice(sp1 + 1, sp2)), line.slice(sp2 + 1), headers);
  }
  const sp1 = line.indexOf(" ");
  const sp2 = sp1 < 0 ? -1 : line.indexOf(" ", sp1 + 1);
  if (sp1 > 0 && sp2 > sp1 + 1 && line.indexOf(" ", sp2 + 1) < 0) {
    const method = line.slice(0, sp1);
    if (isToken(method)) {
      const req = new SipRequest(method, line.slice(sp1 + 1, sp2), headers);
      const version = line.slice(sp2 + 1);
      if (version !== "SIP/2.0") {
        try {
          checkVersion(version);
        } catch (e) {
          if (e instanceof SipParseError) e.partial = req;
          throw e;
        }
      }
      return req;
    }
  }
  throw badRequestLine(line, headers);
}

// Status-Code = 3DIGIT, 100 to 699 (§7.2, §21).
function isStatusCode(line: string, at: number): boolean {
  const c0 = line.charCodeAt(at);
  const c1 = line.charCodeAt(at + 1);
  const c2 = line.charCodeAt(at + 2);
  return c0 >= 49 && c0 <= 54 && c1 >= 48 && c1 <= 57 && c2 >= 48 && c2 <= 57;
}

/**
 * The error for a request line that breaks §7.1. When it can still be read as method, URI and version
 * separated by runs of whitespace (RFC 4475 §3.1.2.8-10), the error carries that request as its partial
 * so the element can answer 400 rather than drop it.
 */
function badRequestLine(line: string, headers: HeaderList): SipParseError {
  const err = new SipParseError("SIP_PARSE_START_LINE", "request line must be METHOD SP Request-URI SP SIP/2.0");
  const parts = line.trim().split(/[ \t]+/);
  const version = parts[parts.length - 1]!;
  if (parts.length >= 3 && isToken(parts[0]!) && /^SIP\/\d+\.\d+$/i.test(version)) {
    err.partial = new SipRequest(parts[0]!, parts.slice(1, -1).join(" "), headers);
  }
  return err;
}

function checkVersion(v: string): void {
  if (v === "SIP/2.0") return;
  if (/^SIP\/\d+\.\d+$/i.test(v)) {
    if (v.toUpperCase() === "SIP/2.0") return;
    throw new SipParseError("SIP_PARSE_VERSION", `unsupported version ${v.slice(0, 20)}`);
  }
  throw new SipParseError("SIP_PARSE_START_LINE", `bad SIP version "${v.slice(0, 20)}"`);
}

// Header names seen before map straight to their key: no case folding or token check per message.
// Bounded, and shared across parsers because it only caches a pure function of the name.
const KEY_CACHE = new Map<string, string>();

function knownHeaderKey(name: string): string {
  const cached = KEY_CACHE.get(name);
  if (cached !== undefined) return cached;
  if (!isToken(name)) throw new SipParseError("SIP_PARSE_HEADER", `bad header name "${name.slice(0, 30)}"`);
  const key = headerKey(name);
  if (KEY_CACHE.size < 2048) KEY_CACHE.set(name, key);
  return key;
}

function splitHeaders(head: string, from: number, headers: HeaderList, limits: ParserLimits): void {
  let pos = from;
  let name = "";
  let key = "";
  let value: string | undefined;
  const flush = (): void => {
    if (value === undefined) return;
    if (value.length > limits.maxLineBytes) {
      throw new SipParseError("SIP_PARSE_LINE_TOO_LONG", `header ${name.slice(0, 30)} longer than ${limits.maxLineBytes} bytes`, key);
    }
    if (headers.length >= limits.maxHeaders) {
      throw new SipParseError("SIP_PARSE_TOO_MANY_HEADERS", `more than ${limits.maxHeaders} headers`);
    }
    headers.addRaw(name, key, value);
    value = undefined;
  };
  while (pos < head.length) {
    let nl = head.indexOf("\n", pos);
    if (nl < 0) nl = head.length;
    const end = head.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    const first = head.charCodeAt(pos);
    if (isWs(first)) {
      // Obsolete line folding (§7.3.1): a continuation line joins the previous value with one SP.
      if (value === undefined) throw new SipParseError("SIP_PARSE_HEADER", "continuation line before any header");
      const more = trimWs(head.slice(pos, end));
      if (more.length > 0) value = value.length === 0 ? more : `${value} ${more}`;
      if (value.length > limits.maxLineBytes) throw new SipParseError("SIP_PARSE_LINE_TOO_LONG", "folded header too long", key);
    } else {
      flush();
      const colon = head.indexOf(":", pos);
      if (colon < 0 || colon >= end) throw new SipParseError("SIP_PARSE_HEADER", `header line without colon: "${head.slice(pos, Math.min(end, pos + 30))}"`);
      let ne = colon;
      while (ne > pos && isWs(head.charCodeAt(ne - 1))) ne--;
      name = head.slice(pos, ne);
      key = knownHeaderKey(name);
      let vs = colon + 1;
      let ve = end;
      while (vs < ve && isWs(head.charCodeAt(vs))) vs++;
      while (ve > vs && isWs(head.charCodeAt(ve - 1))) ve--;
      value = head.slice(vs, ve);
    }
    pos = nl + 1;
  }
  flush();
}

function bodyOf(buf: Buffer, bodyStart: number, headers: HeaderList, datagram: boolean): Buffer {
  const available = buf.length - bodyStart;
  const keys = headers.keys;
  const first = keys.indexOf("content-length");
  if (first < 0) {
    // §18.3: on a stream Content-Length is mandatory (the framer treats absent as 0);
    // in a datagram the body runs to the end.
    return available > 0 && datagram ? buf.subarray(bodyStart) : EMPTY_BODY;
  }
  const cl = headers.values[first]!;
  // Several Content-Length lines must agree, else the framing is unknown (RFC 4475 mcl01).
  for (let j = keys.indexOf("content-length", first + 1); j >= 0; j = keys.indexOf("content-length", j + 1)) {
    if (parseContentLength(headers.values[j]!) !== parseContentLength(cl)) {
      throw new SipParseError("SIP_PARSE_CONTENT_LENGTH", "conflicting Content-Length headers", "content-length");
    }
  }
  const n = parseContentLength(cl);
  if (n < 0) throw new SipParseError("SIP_PARSE_CONTENT_LENGTH", `bad Content-Length "${cl.slice(0, 20)}"`, "content-length");
  if (n > available) {
    throw new SipParseError("SIP_PARSE_CONTENT_LENGTH", `Content-Length ${n} larger than the ${available} body bytes received`, "content-length");
  }
  if (n === 0) return EMPTY_BODY;
  return buf.subarray(bodyStart, bodyStart + n);
}

/** Content-Length value (1 to 10 digits, surrounding whitespace allowed) or -1 when malformed. */
export function parseContentLength(v: string): number {
  let i = 0;
  let end = v.length;
  while (i < end && isWs(v.charCodeAt(i))) i++;
  while (end > i && isWs(v.charCodeAt(end - 1))) end--;
  if (end === i || end - i > 10) return -1;
  let n = 0;
  for (; i < end; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

// The headers every layer relies on (§8.1.1): parsed now so a defect is reported where it can be answered.
function validateCore(msg: SipMessage): void {
  void msg.topVia;
  void msg.from;
  void msg.to;
  void msg.callId;
  const cseq = msg.cseq;
  if (msg.kind === "request") {
    void msg.uri;
    if (cseq.method !== msg.method) {
      throw new SipParseError("SIP_PARSE_CSEQ_MISMATCH", `CSeq method ${cseq.method.slice(0, 20)} does not match ${msg.method.slice(0, 20)}`, "cseq");
    }
    void msg.maxForwards;
  }
  void msg.expires;
}
