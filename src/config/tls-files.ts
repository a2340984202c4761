// Reads a listener's certificate and key (PEM files) and checks that they belong together, so a bad
// file stops the server at start-up rather than at the first TLS handshake.
import { readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import type { TlsSettings } from "../transport/types.js";
import { fileErrorText } from "./read-yaml.js";

export type FileRead = { ok: true; contents: Buffer } | { ok: false; detail: string };

/** A PEM file's contents, or why it cannot be used (`path` is shown, contents never are). */
export function readPemFile(path: string): FileRead {
  let contents: Buffer;
  try {
    contents = readFileSync(path);
  } catch (err) {
    return { ok: false, detail: `expected a readable PEM file, "${path}": ${fileErrorText(err)}` };
  }
  if (!contents.includes("-----BEGIN ")) return { ok: false, detail: `expected a PEM file, "${path}" has no "-----BEGIN" line` };
  return { ok: true, contents };
}

/** Undefined when cert and key make a usable server identity, else why not. */
export function checkTlsPair(tls: TlsSettings): string | undefined {
  try {
    createSecureContext({ cert: tls.cert, key: tls.key });
    return undefined;
  } catch (err) {
    const reason = ((err as Error).message.split("\n", 1)[0] ?? "").trim();
    return `cert and key do not make a usable TLS identity (${reason})`;
  }
}
