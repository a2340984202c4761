// RFC 3327 Path with Kamailio's use_path / path_mode / path_use_received.
import type { SipRequest } from "../sip/message.js";
import { SipParseError } from "../sip/parse-error.js";
import { stripBrackets } from "../transport/endpoint.js";
import { isSipUri, parseUri } from "../sip/uri.js";
import { unescapePercent, unquote } from "../sip/lexical.js";
import { reject } from "./rejections.js";
import type { RegistrarSettings } from "./settings.js";

export interface PathDecision {
  /** Path values to store with the bindings (outermost first); empty when none or not used. */
  stored: string[];
  /** Echo them in the 200 (mode 2, or mode 1 with Supported: path). */
  echo: boolean;
  /** Source taken from the received= param of the first Path URI (path_use_received). */
  receivedFromPath: { address: string; port: number; protocol: string | undefined } | undefined;
}

const NO_PATH: PathDecision = { stored: [], echo: false, receivedFromPath: undefined };

export function decidePath(req: SipRequest, supported: readonly string[], s: RegistrarSettings): PathDecision {
  if (!s.usePath || !req.headers.has("path")) return NO_PATH;
  let values: string[];
  try {
    values = req.headers.listValues("path");
    req.nameAddrList("path");
  } catch (e) {
    if (e instanceof SipParseError) reject("badContact", undefined, `bad Path: ${e.message}`);
    throw e;
  }
  const uaSupportsPath = supported.includes("path");
  if (s.pathMode === 2 && !uaSupportsPath) {
    // RFC 3327 §5.3: a registrar MUST reject a Path the UA did not declare support for.
    reject("pathNotSupported", [["Unsupported", "path"], ...values.map((v) => ["Path", v] as const)]);
  }
  return {
    stored: values,
    echo: s.pathMode === 2 || (s.pathMode === 1 && uaSupportsPath),
    receivedFromPath: s.pathUseReceived ? receivedOfFirstPath(values[0]) : undefined,
  };
}

// A load balancer in front of us records the UA's real address as received= on its Path URI.
function receivedOfFirstPath(first: string | undefined): PathDecision["receivedFromPath"] {
  if (first === undefined) return undefined;
  const m = /<([^>]*)>/.exec(first);
  try {
    const uri = parseUri(m === null ? first : m[1]!);
    if (!isSipUri(uri)) return undefined;
    const r = uri.params.get("received");
    if (typeof r !== "string") return undefined;
    // The value is a URI itself, escaped (or, from some balancers, quoted) inside the Path URI.
    const rUri = parseUri(unescapePercent(unquote(r)));
    if (!isSipUri(rUri)) return undefined;
    const t = rUri.params.get("transport");
    return { address: stripBrackets(rUri.host), port: rUri.port ?? 5060, protocol: typeof t === "string" ? t.toLowerCase() : undefined };
  } catch {
    return undefined;
  }
}
