// The hosts file (/etc/hosts): names the system resolver answers without DNS, as getaddrinfo does
// ("files" before "dns"). RFC 3263 resolution of a name with an explicit port is an A/AAAA lookup
// (§4.2), and an administrator expects `localhost` or a name pinned in /etc/hosts to work.
import { readFileSync } from "node:fs";
import { isIP } from "node:net";

export interface HostsEntries {
  v4: readonly string[];
  v6: readonly string[];
}

/** Parses hosts-file text: "address name [aliases...]" lines, # comments; names are case-insensitive. */
export function parseHosts(text: string): Map<string, HostsEntries> {
  const out = new Map<string, { v4: string[]; v6: string[] }>();
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    if (line.length === 0) continue;
    const [address, ...names] = line.split(/\s+/);
    const family = isIP(address ?? "");
    if (family === 0) continue;
    // A scoped address (fe80::1%lo0) cannot be used as a SIP target: left out.
    if (address!.includes("%")) continue;
    for (const n of names) {
      const key = n.toLowerCase().replace(/\.$/, "");
      let e = out.get(key);
      if (e === undefined) out.set(key, (e = { v4: [], v6: [] }));
      const list = family === 4 ? e.v4 : e.v6;
      if (!list.includes(address!)) list.push(address!);
    }
  }
  return out;
}

/** RFC 6761 §6.3: localhost and its subdomains are the loopback addresses, whatever the file says. */
const LOOPBACK: HostsEntries = { v4: ["127.0.0.1"], v6: ["::1"] };

/** Reads the file once, on first use; a missing or unreadable file holds no names (localhost still resolves). */
export class HostsFile {
  private entries: Map<string, HostsEntries> | undefined;

  constructor(private readonly path: string) {}

  lookup(name: string): HostsEntries | undefined {
    const key = name.toLowerCase().replace(/\.$/, "");
    if (key === "localhost" || key.endsWith(".localhost")) return LOOPBACK;
    if (this.entries === undefined) {
      try {
        this.entries = parseHosts(readFileSync(this.path, "utf8"));
      } catch {
        this.entries = new Map();
      }
    }
    return this.entries.get(key);
  }
}
