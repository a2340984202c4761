// Free loopback ports for peers that cannot bind port 0 themselves and report it (SIPp, baresip).
// The port is free when returned and released at once, so another process may take it before the
// peer binds it: callers retry with another port when the peer fails to bind.
import { createSocket } from "node:dgram";
import { createServer } from "node:net";

function udpPort(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const s = createSocket("udp4");
    s.once("error", () => {
      s.close();
      resolve(undefined);
    });
    s.bind(port, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** A UDP port on 127.0.0.1 that was free a moment ago; with `alsoTcp`, free for TCP as well. */
export async function freePort(alsoTcp = false): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const p = await udpPort(0);
    if (p === undefined) continue;
    if (!alsoTcp || (await tcpFree(p))) return p;
  }
  throw new Error("no free loopback port found");
}
