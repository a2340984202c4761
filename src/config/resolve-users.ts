// The users a server authenticates: the file's auth.users and --user, checked for duplicates and
// for a secret that one of the configured algorithms can use. A user without a domain is valid in
// any realm (as ConfigCredentialSource treats it).
import { findAlgorithm, type DigestHashName } from "../auth/algorithms.js";
import type { ConfigUser } from "../auth/config-credentials.js";
import type { FileConfig } from "./schema.js";
import type { FileLocator, ProblemList } from "./problems.js";
import type { OverrideUser } from "./types.js";

export interface UserContext {
  file: FileLocator;
  problems: ProblemList;
}

type FileUser = FileConfig["auth"]["users"][number];

export function resolveUsers(config: FileConfig, fromFlags: readonly OverrideUser[], ctx: UserContext): ConfigUser[] {
  const byKey = new Map<string, ConfigUser>();
  const firstIndex = new Map<string, number>();
  config.auth.users.forEach((u, i) => {
    const user = fromFileUser(u);
    const key = userKey(user);
    const earlier = firstIndex.get(key);
    if (earlier !== undefined) {
      ctx.problems.inFile(ctx.file, ["auth", "users", i], `${describeUser(user)} is already listed at auth.users[${earlier}]`);
      return;
    }
    const unusable = unusableReason(u, config.auth.algorithms);
    if (unusable !== undefined) ctx.problems.inFile(ctx.file, ["auth", "users", i], unusable);
    firstIndex.set(key, i);
    byKey.set(key, user);
  });
  for (const u of fromFlags) {
    const user: ConfigUser = { username: u.username, password: u.password };
    if (u.domain !== undefined) user.domain = u.domain.toLowerCase();
    // The command line wins over the file for the same user.
    byKey.delete(userKey(user));
    byKey.set(userKey(user), user);
  }
  return [...byKey.values()];
}

function userKey(u: ConfigUser): string {
  return u.domain === undefined ? `${u.username} in any domain` : `${u.username}@${u.domain}`;
}

function describeUser(u: ConfigUser): string {
  return u.domain === undefined ? `"${u.username}" (any domain)` : `"${u.username}@${u.domain}"`;
}

function fromFileUser(u: FileUser): ConfigUser {
  const user: ConfigUser = { username: u.username };
  if (u.domain !== undefined) user.domain = u.domain.toLowerCase();
  if (u.password !== undefined) user.password = u.password;
  if (u.ha1 !== undefined) user.ha1 = u.ha1.toLowerCase();
  if (u.ha1_sha256 !== undefined) user.ha1_sha256 = u.ha1_sha256.toLowerCase();
  return user;
}

const HA1_KEY_OF: Record<DigestHashName, "ha1" | "ha1_sha256" | undefined> = {
  md5: "ha1",
  sha256: "ha1_sha256",
  "sha512-256": undefined,
};

/** Why a user given only HA1 values can never authenticate with the configured algorithms, if so. */
function unusableReason(u: FileUser, algorithms: readonly string[]): string | undefined {
  if (u.password !== undefined) return undefined;
  const usable = algorithms.map((name) => HA1_KEY_OF[findAlgorithm(name)!.hash]).filter((k) => k !== undefined);
  if (usable.some((key) => u[key] !== undefined)) return undefined;
  const give = ["a password", ...new Set(usable)].join(" or ");
  return `has no secret for any of auth.algorithms (${algorithms.join(", ")}): give ${give}`;
}
