import { test } from "node:test";
import assert from "node:assert/strict";
import { cloneUri, isSipUri, isTelUri, parseSipUri, parseUri, serializeUri, UriError, type SipUri } from "./uri.js";
import { unescapePercent } from "./lexical.js";

function sip(text: string): SipUri {
  const u = parseUri(text);
  assert.ok(isSipUri(u), text);
  return u;
}

test("sip: user and host", () => {
  const u = sip("sip:alice@atlanta.com");
  assert.equal(u.scheme, "sip");
  assert.equal(u.user, "alice");
  assert.equal(u.password, undefined);
  assert.equal(u.host, "atlanta.com");
  assert.equal(u.port, undefined);
  assert.equal(u.params.size, 0);
  assert.deepEqual(u.headers, []);
});

test("sips: user, password, transport (RFC 3261 §19.1.3 examples)", () => {
  const a = sip("sips:alice:secretword@atlanta.com;transport=tcp");
  assert.equal(a.scheme, "sips");
  assert.equal(a.password, "secretword");
  assert.equal(a.params.get("transport"), "tcp");
  const b = sip("sip:+1-212-555-1212:1234@gateway.com;user=phone");
  assert.equal(b.user, "+1-212-555-1212");
  assert.equal(b.password, "1234");
  assert.equal(b.params.get("user"), "phone");
  const c = sip("sip:alice;day=tuesday@atlanta.com");
  assert.equal(c.user, "alice;day=tuesday");
  assert.equal(c.params.size, 0);
  assert.equal(sip("sip:user:@host").password, "");
});

test("hosts: domain, IPv4, IPv6 reference; ports", () => {
  assert.equal(sip("sip:alice@192.0.2.4").host, "192.0.2.4");
  const v6 = sip("sip:[2001:db8::10]:5070");
  assert.equal(v6.host, "[2001:db8::10]");
  assert.equal(v6.port, 5070);
  assert.equal(v6.user, undefined);
  const v4m = sip("sip:bob@[::ffff:192.0.2.1];transport=udp");
  assert.equal(v4m.host, "[::ffff:192.0.2.1]");
  assert.equal(v4m.params.get("transport"), "udp");
  assert.equal(sip("sip:host.example.com:0").port, 0);
  assert.equal(sip("sip:host.example.com:65535").port, 65535);
  assert.equal(sip("sip:my-host_1.example.com").host, "my-host_1.example.com");
});

test("the scheme is case-insensitive and lowered", () => {
  assert.equal(parseUri("SIP:ALICE@AtLanTa.CoM").scheme, "sip");
  assert.equal(parseUri("SiPs:x@y").scheme, "sips");
  assert.equal(parseUri("TEL:+123").scheme, "tel");
  assert.equal(sip("SIP:ALICE@AtLanTa.CoM").host, "AtLanTa.CoM");
});

test("parameters: values, flags, order, case-insensitive lookup", () => {
  const u = sip("sip:p1.example.com;lr;Transport=TCP;maddr=239.255.255.1;ttl=15;method=REGISTER;x-a=1");
  assert.equal(u.params.get("lr"), null);
  assert.equal(u.params.get("transport"), "TCP");
  assert.equal(u.params.get("maddr"), "239.255.255.1");
  assert.equal(u.params.get("ttl"), "15");
  assert.equal(u.params.get("method"), "REGISTER");
  assert.equal(u.params.get("absent"), undefined);
  assert.ok(u.params.has("lr"));
  assert.deepEqual(u.params.list.map((p) => p[0]), ["lr", "Transport", "maddr", "ttl", "method", "x-a"]);
  assert.equal(sip("sip:h;maddr=[2001:db8::1]").params.get("maddr"), "[2001:db8::1]");
});

test("headers: ?name=value&... with escapes kept", () => {
  const u = sip("sip:alice@atlanta.com?subject=project%20x&priority=urgent");
  assert.deepEqual(u.headers, [["subject", "project%20x"], ["priority", "urgent"]]);
  const v = sip("sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com");
  assert.equal(v.params.get("method"), "REGISTER");
  assert.deepEqual(v.headers, [["to", "alice%40atlanta.com"]]);
  assert.deepEqual(sip("sip:a@b?h=").headers, [["h", ""]]);
});

test("escapes are kept as written and unescaped on demand", () => {
  const u = sip("sip:%61lice%20x@atlanta.com;n%61me=v%61lue%25%34%31");
  assert.equal(u.user, "%61lice%20x");
  assert.equal(unescapePercent(u.user!), "alice x");
  assert.equal(unescapePercent(u.params.list[0]![1]!), "value%41");
  assert.equal(unescapePercent("null-%00-null"), "null-\u0000-null");
  assert.equal(unescapePercent("%ff%fe"), "\u00ff\u00fe"); // not UTF-8: byte by byte
  assert.equal(unescapePercent("100%"), "100%");
});

test("tel: numbers and parameters (RFC 3966)", () => {
  const t = parseUri("tel:+1-201-555-0123");
  assert.ok(isTelUri(t));
  assert.equal(t.number, "+1-201-555-0123");
  const l = parseUri("tel:7042;phone-context=example.com");
  assert.ok(isTelUri(l));
  assert.equal(l.number, "7042");
  assert.equal(l.params.get("phone-context"), "example.com");
  assert.throws(() => parseUri("tel:"), UriError);
  assert.throws(() => parseUri("tel:call-me"), UriError);
});

test("other schemes are kept opaque", () => {
  const u = parseUri("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
  assert.equal(u.scheme, "urn");
  assert.ok(!isSipUri(u) && !isTelUri(u));
  assert.equal((u as { opaque: string }).opaque, "uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
  assert.equal(parseUri("http://www.example.com/a?b=c").scheme, "http");
  assert.equal((parseUri("soap.beep://192.0.2.103:3002") as { opaque: string }).opaque, "//192.0.2.103:3002");
  assert.equal(parseUri("im:fluffy@example.com").scheme, "im");
});

test("malformed URIs throw UriError", () => {
  const bad = [
    "", "sip", ":x", "1sip:x", "s p:x", "<sip:a@b>", "sip:", "sip:@host", "sip:user@", "sip:host:", "sip:host:70000", "sip:host:123456",
    "sip:host:5x", "sip:ho st", "sip:a b@host", "sip:%zz@host", "sip:a%4@host", "sip:[::1", "sip:[zz]", "sip:[::1]x", "sip:host;",
    "sip:host;=v", "sip:host;a=", "sip:host?x", "sip:host?=v", "sip:user@host@other", "sip:host<", "sip:ho\"st", "urn:",
    "http://exa mple.com", "sip:host;a=\"q\"",
  ];
  for (const s of bad) assert.throws(() => parseUri(s), UriError, JSON.stringify(s));
});

test("parseSipUri accepts only sip: and sips:", () => {
  assert.equal(parseSipUri("sips:a@b").scheme, "sips");
  assert.throws(() => parseSipUri("tel:+1234"), UriError);
  assert.throws(() => parseSipUri("mailto:a@b"), UriError);
});

test("serializeUri writes back what was parsed", () => {
  for (const s of [
    "sip:alice@atlanta.com",
    "sips:alice:secretword@atlanta.com;transport=tcp",
    "sip:[2001:db8::10]:5070;lr",
    "sip:%61lice@atlanta.com;maddr=239.255.255.1?subject=project%20x&priority=urgent",
    "sip:alice;day=tuesday@atlanta.com",
    "tel:7042;phone-context=example.com",
    "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
  ]) {
    assert.equal(serializeUri(parseUri(s)), s);
  }
  assert.equal(serializeUri(parseUri("SIP:a@B")), "sip:a@B");
});

test("cloneUri shares nothing mutable", () => {
  const a = sip("sip:a@b;x=1?h=v");
  const b = cloneUri(a);
  b.params.set("x", "2");
  b.headers[0]![1] = "w";
  b.host = "c";
  assert.equal(a.params.get("x"), "1");
  assert.equal(a.headers[0]![1], "v");
  assert.equal(a.host, "b");
  assert.equal(serializeUri(b), "sip:a@c;x=2?h=w");
});
