// Test helpers: a temporary folder with a config file and the test certificate, removed afterwards.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestContext } from "node:test";

const TLS_DIR = fileURLToPath(new URL("../../../test/support/tls/", import.meta.url));

/** A fresh folder holding `files` (path → text) plus certs/cert.pem and certs/key.pem; removed after the test. */
export function configDir(t: TestContext, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "sipreg-config-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "certs"));
  copyFileSync(join(TLS_DIR, "cert.pem"), join(dir, "certs", "cert.pem"));
  copyFileSync(join(TLS_DIR, "key.pem"), join(dir, "certs", "key.pem"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Runs `fn`, which must throw; returns what it threw. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected an error, nothing was thrown");
}
