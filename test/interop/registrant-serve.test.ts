// `sipreg serve --register`: one sipreg keeps accounts registered at another sipreg acting as the
// registrar (digest auth), and unregisters them (Expires: 0) when it stops.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withServe } from "../support/with-serve.js";
import { startServe, type ServeProcess } from "../support/serve-process.js";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { makeTempDir, until } from "../support/temp-dir.js";
import { readLocation } from "../support/location-db.js";

test("sipreg serve --register keeps accounts registered at a registrar with digest auth, and unregisters them on stop", { timeout: 60_000 }, async () => {
  await withServe("registrar-for-registrant", () => ["--listen", "udp:127.0.0.1:0", "--user", "alice:secret-a", "--user", "bob:secret-b"], async ({ data, port }) => {
    const registrarPort = port("udp");
    const tmp = makeTempDir("registrant");
    const registrant = await startServe([
      "--listen", "udp:127.0.0.1:0",
      "--data", tmp.join("data"),
      "--register", `alice:secret-a@127.0.0.1:${registrarPort};expires=300`,
      "--register", `bob:secret-b@127.0.0.1:${registrarPort};transport=udp;expires=300`,
      "--register", `carol:wrong@127.0.0.1:${registrarPort};expires=300`,
    ]);
    try {
      const aors = (): string[] => readLocation(data).map((r) => `${r.username}@${r.domain}`).sort();
      await until(() => aors().length === 2, "alice and bob bound at the registrar", 20_000);
      assert.deepEqual(aors(), ["alice@127.0.0.1", "bob@127.0.0.1"], "carol, with a wrong password, is not bound");
      const rows = readLocation(data);
      for (const r of rows) assert.ok(r.expires > Date.now() + 200_000, "the granted expiry is the requested 300 s");
    } finally {
      assert.equal(await registrant.stop(), 0, registrant.output());
      tmp.remove();
    }
    // Stopping the registrant sent Expires: 0 for each account.
    await until(() => readLocation(data).length === 0, "the bindings removed by the unregisters", 10_000);
  });
});

const TLS = fileURLToPath(new URL("../../../test/support/tls/", import.meta.url));

test("sipreg serve keeps a TLS account registered at a registrar whose certificate only registrant.tls_ca trusts", { timeout: 60_000 }, async () => {
  const tmp = makeTempDir("registrant-tls");
  writeFileSync(tmp.join("registrar.yaml"), `tls: { cert: ${JSON.stringify(`${TLS}cert.pem`)}, key: ${JSON.stringify(`${TLS}key.pem`)} }\n`);
  await withServe("registrar-tls", () => ["--config", tmp.join("registrar.yaml"), "--listen", "tls:127.0.0.1:0", "--user", "alice:secret-a"], async ({ data, port }) => {
    const spec = `alice:secret-a@localhost:${port("tls")};transport=tls;expires=300`;
    const start = async (name: string, yaml: string): Promise<ServeProcess> => {
      writeFileSync(tmp.join(`${name}.yaml`), yaml);
      return startServe(["--config", tmp.join(`${name}.yaml`), "--listen", "udp:127.0.0.1:0", "--data", tmp.join(`${name}-data`)]);
    };
    // Without the CA the self-signed certificate is refused: nothing is bound.
    const untrusting = await start("untrusting", `registrant: { accounts: [${JSON.stringify(spec)}], retry_interval: 1 }\n`);
    try {
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(readLocation(data).length, 0, "no binding through an unverified TLS connection");
    } finally {
      assert.equal(await untrusting.stop(), 0, untrusting.output());
    }
    const trusting = await start("trusting", `registrant: { accounts: [${JSON.stringify(spec)}], tls_ca: ${JSON.stringify(`${TLS}cert.pem`)} }\n`);
    try {
      await until(() => readLocation(data).length === 1, "alice bound over TLS", 20_000);
      assert.match(readLocation(data)[0]!.contact, /transport=tls/i);
    } finally {
      assert.equal(await trusting.stop(), 0, trusting.output());
      tmp.remove();
    }
  });
});
