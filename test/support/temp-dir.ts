// Temporary folders for interop tests (data dirs, peer configs, logs); always removed by the test.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TempDir {
  path: string;
  /** A path inside the folder. */
  join(...parts: string[]): string;
  remove(): void;
}

export function makeTempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `sipreg-${prefix}-`));
  return {
    path,
    join: (...parts) => join(path, ...parts),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** Polls `probe` every `everyMs` until it returns a value other than undefined; throws after `ms`. */
export async function waitUntil<T>(what: string | (() => string), probe: () => T | undefined | Promise<T | undefined>, ms: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${typeof what === "string" ? what : what()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** waitUntil for a yes/no condition, polled every `everyMs` (default 5 ms); `what` may be built at the timeout. */
export async function until(pred: () => boolean, what: string | (() => string), ms = 5000, everyMs = 5): Promise<void> {
  await waitUntil(what, () => (pred() ? true : undefined), ms, everyMs);
}
