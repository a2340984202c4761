import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HostsFile, parseHosts } from "./hosts-file.js";
import { NodeDnsBackend } from "./node-dns-backend.js";
import { Rfc3263Resolver } from "./rfc3263-resolver.js";

const TEXT = `# comment
127.0.0.1   localhost
192.0.2.20  trunk.example.test trunk   # pinned
2001:db8::20 trunk.example.test
fe80::1%lo  scoped.example.test
not-an-ip   broken.example.test
`;

test("parseHosts: address, names and aliases, both families, comments; bad and scoped addresses left out", () => {
  const h = parseHosts(TEXT);
  assert.deepEqual(h.get("trunk.example.test"), { v4: ["192.0.2.20"], v6: ["2001:db8::20"] });
  assert.deepEqual(h.get("trunk"), { v4: ["192.0.2.20"], v6: [] });
  assert.equal(h.get("scoped.example.test"), undefined);
  assert.equal(h.get("broken.example.test"), undefined);
});

test("HostsFile: names are case-insensitive; localhost is loopback (RFC 6761 §6.3) even without a file", () => {
  const missing = new HostsFile("/nonexistent/hosts");
  assert.deepEqual(missing.lookup("LocalHost."), { v4: ["127.0.0.1"], v6: ["::1"] });
  assert.deepEqual(missing.lookup("pbx.localhost"), { v4: ["127.0.0.1"], v6: ["::1"] });
  assert.equal(missing.lookup("trunk.example.test"), undefined);
});

test("the system backend answers A/AAAA from the hosts file before DNS; RFC 3263 §4.2 with a port gives those addresses", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "sipreg-hosts-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "hosts"), TEXT);
  // An unreachable name server: only the hosts file can answer in time.
  const backend = new NodeDnsBackend({ servers: ["127.0.0.1:9"], hostsFile: join(dir, "hosts"), timeoutMs: 200, tries: 1 });
  t.after(() => backend.cancel());
  assert.deepEqual(await backend.resolve4("Trunk.Example.Test"), [{ address: "192.0.2.20", ttl: 300 }]);
  assert.deepEqual(await backend.resolve6("trunk.example.test"), [{ address: "2001:db8::20", ttl: 300 }]);
  assert.deepEqual(await backend.resolve4("localhost"), [{ address: "127.0.0.1", ttl: 300 }]);
  const resolver = new Rfc3263Resolver({ backend });
  const targets = await resolver.resolveSipUri({ scheme: "sip", host: "trunk.example.test", port: 5080, transport: "tcp" });
  assert.deepEqual(targets.map((x) => `${x.transport} ${x.address}:${x.port}`).sort(), ["tcp 192.0.2.20:5080", "tcp 2001:db8::20:5080"]);
});
