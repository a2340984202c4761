// Test helper: complete Binding records with sensible defaults (not used by production code).
import type { Binding } from "./binding.js";

/** Binding number `n` of `aor`, live for an hour from nowMs, overridable field by field. */
export function testBinding(aor: string, n: number, nowMs: number, overrides: Partial<Binding> = {}): Binding {
  const user = aor.includes("@") ? aor.slice(0, aor.lastIndexOf("@")) : "anon";
  const host = `192.0.2.${n % 250}`;
  return {
    aor,
    ruid: `r-${aor}-${n}`,
    contact: `sip:${user}@${host}:5060;transport=udp`,
    expiresAtMs: nowMs + 3_600_000,
    q1000: -1,
    callId: `call-${n}-${aor}`,
    cseq: 1,
    flags: 0,
    userAgent: "TestPhone/1.0",
    source: { protocol: "udp", address: host, port: 5060 },
    natted: false,
    listenerId: "udp:127.0.0.1:5060",
    connectionId: undefined,
    path: [],
    methods: undefined,
    instance: undefined,
    regId: 0,
    contactParams: "",
    modifiedAtMs: nowMs,
    ...overrides,
  };
}

/** A binding with every optional attribute set (TCP flow, Path, methods, instance, reg-id, NAT). */
export function richBinding(aor: string, n: number, nowMs: number, overrides: Partial<Binding> = {}): Binding {
  const instance = `<urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, "0")}>`;
  return testBinding(aor, n, nowMs, {
    q1000: 700,
    cseq: 4711,
    flags: 1,
    userAgent: "Rich UA ü/2.0",
    source: { protocol: "tcp", address: "2001:db8::7", port: 40_312 },
    natted: true,
    listenerId: "tcp:[2001:db8::1]:5060",
    connectionId: 42 + n,
    path: ["<sip:edge1.example.com;lr>", '"Edge, two" <sip:edge2.example.com;lr;received=sip:1.2.3.4>'],
    methods: ["INVITE", "BYE", "MESSAGE"],
    instance,
    regId: 1,
    contactParams: `;+sip.instance="${instance}";reg-id=1`,
    ...overrides,
  });
}
