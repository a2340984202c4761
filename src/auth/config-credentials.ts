// A CredentialSource over users listed in the configuration file: a password and/or precomputed
// HA1 values (RFC 7616 §3.4.2) per user, bound to one domain (realm) or valid in any realm.
import { SHA_256, MD5 } from "./algorithms.js";
import { AuthConfigError } from "./auth-config-error.js";
import type { CredentialSource, StoredCredentials } from "./credential-source.js";
import { deriveHa1Set, type Ha1Set, isHa1Shaped } from "./ha1.js";

export interface ConfigUser {
  username: string;
  /** The domain (realm) the user belongs to; absent = the user authenticates in any realm. */
  domain?: string;
  password?: string;
  /** MD5 HA1, H(username:domain:password), 32 hex digits. */
  ha1?: string;
  /** SHA-256 HA1, 64 hex digits. */
  ha1_sha256?: string;
}

/** How many realms an any-domain user's derived HA1 values are kept for. */
const REALMS_PER_ANY_DOMAIN_USER = 16;

interface AnyDomainUser {
  readonly user: ConfigUser;
  /** Credentials already built for a realm (password users get their HA1 derived once per realm). */
  readonly byRealm: Map<string, StoredCredentials>;
}

/**
 * Users from configuration. Lookups of domain-bound users return one prebuilt, frozen object (HA1
 * values derived from the password at construction), so a lookup allocates nothing. A user listed
 * with a domain wins over an any-domain entry of the same name. Realms are compared exactly, as they
 * enter the HA1 hash exactly.
 *
 * An HA1 is tied to the realm it was computed with: for an any-domain user it only verifies in that
 * realm, a password works in every realm.
 */
export class ConfigCredentialSource implements CredentialSource {
  private readonly byDomain = new Map<string, Map<string, StoredCredentials>>();
  private readonly anyDomain = new Map<string, AnyDomainUser>();
  private count = 0;

  constructor(users: readonly ConfigUser[]) {
    for (const user of users) this.add(user);
  }

  /** Number of configured users. */
  get size(): number {
    return this.count;
  }

  lookup(username: string, realm: string): StoredCredentials | undefined {
    const bound = this.byDomain.get(realm)?.get(username);
    if (bound !== undefined) return bound;
    const unbound = this.anyDomain.get(username);
    return unbound === undefined ? undefined : credentialsInRealm(unbound, realm);
  }

  private add(user: ConfigUser): void {
    const where = `user "${user.username}"${user.domain === undefined ? "" : ` in domain "${user.domain}"`}`;
    if (user.username.length === 0) throw new AuthConfigError("a configured user has an empty username");
    if (user.domain !== undefined && user.domain.length === 0) throw new AuthConfigError(`${where}: empty domain`);
    if (user.password === undefined && user.ha1 === undefined && user.ha1_sha256 === undefined) {
      throw new AuthConfigError(`${where}: needs a password, ha1 or ha1_sha256`);
    }
    if (user.ha1 !== undefined && !isHa1Shaped(user.ha1, MD5.hash)) {
      throw new AuthConfigError(`${where}: ha1 must be 32 hex digits`);
    }
    if (user.ha1_sha256 !== undefined && !isHa1Shaped(user.ha1_sha256, SHA_256.hash)) {
      throw new AuthConfigError(`${where}: ha1_sha256 must be 64 hex digits`);
    }
    if (user.domain === undefined) {
      if (this.anyDomain.has(user.username)) throw new AuthConfigError(`${where} is listed twice`);
      this.anyDomain.set(user.username, { user, byRealm: new Map() });
    } else {
      let users = this.byDomain.get(user.domain);
      if (users === undefined) this.byDomain.set(user.domain, (users = new Map()));
      if (users.has(user.username)) throw new AuthConfigError(`${where} is listed twice`);
      users.set(user.username, buildCredentials(user, user.domain, where));
    }
    this.count++;
  }
}

function credentialsInRealm(user: AnyDomainUser, realm: string): StoredCredentials {
  const known = user.byRealm.get(realm);
  if (known !== undefined) return known;
  const built = buildCredentials(user.user, realm, undefined);
  if (user.byRealm.size >= REALMS_PER_ANY_DOMAIN_USER) {
    const oldest = user.byRealm.keys().next();
    if (oldest.done !== true) user.byRealm.delete(oldest.value);
  }
  user.byRealm.set(realm, built);
  return built;
}

/**
 * The credentials of `user` in `realm`: the HA1 values the password gives, else the configured ones
 * (lower-cased). With `where` (domain-bound users), a configured HA1 that the password does not
 * produce is a configuration error.
 */
function buildCredentials(user: ConfigUser, realm: string, where: string | undefined): StoredCredentials {
  const ha1: Ha1Set = {};
  if (user.password !== undefined) Object.assign(ha1, deriveHa1Set(user.username, realm, user.password));
  const configured: Array<[keyof Ha1Set, string | undefined, string]> = [
    ["md5", user.ha1, "ha1"],
    ["sha256", user.ha1_sha256, "ha1_sha256"],
  ];
  for (const [key, value, field] of configured) {
    if (value === undefined) continue;
    const lower = value.toLowerCase();
    const derived = ha1[key];
    if (derived === undefined) ha1[key] = lower;
    else if (where !== undefined && derived !== lower) {
      throw new AuthConfigError(`${where}: ${field} does not match the password`);
    }
    // Any-domain user with a password: the derived value is right in every realm, the configured one
    // only in the realm it was computed for, so the derived one is kept.
  }
  const creds: StoredCredentials = { username: user.username, domain: realm, ha1: Object.freeze(ha1) };
  if (user.password !== undefined) creds.password = user.password;
  return Object.freeze(creds);
}
