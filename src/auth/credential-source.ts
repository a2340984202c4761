// Where a server finds a subscriber's secret: a password or stored HA1 values (never logged).
export interface StoredCredentials {
  username: string;
  /** Domain / realm the credentials belong to. */
  domain: string;
  /** Plain password (from a config file), if that is what is stored. */
  password?: string;
  /** H(username:realm:password) per algorithm: "MD5" and/or "SHA-256" (RFC 7616 §3.4.2), lower-case hex. */
  ha1?: { md5?: string; sha256?: string; sha512_256?: string };
}

export interface CredentialSource {
  /** The credentials of `username` in `realm` (or domain), or undefined when there is no such subscriber. */
  lookup(username: string, realm: string): StoredCredentials | undefined;
}
