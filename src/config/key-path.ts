// Key paths as messages print them: registrar.min_expires, listen[1].cert, auth.users[0].password.

export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = String(segment);
      const shown = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
      out += out === "" ? shown : `.${shown}`;
    }
  }
  return out;
}

/** The value at `path` in plain data, or undefined. */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = data;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** Values under these paths are secrets (passwords, HA1s): messages show their kind, never the value. */
export function isSecretPath(path: readonly PropertyKey[]): boolean {
  return path[0] === "auth" && path[1] === "users";
}
