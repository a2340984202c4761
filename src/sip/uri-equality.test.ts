// RFC 3261 §19.1.4 URI comparison, with every example pair the section gives.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseUri } from "./uri.js";
import { uriEquals } from "./uri-equality.js";

function same(a: string, b: string): void {
  assert.ok(uriEquals(parseUri(a), parseUri(b)), `${a} == ${b}`);
  assert.ok(uriEquals(parseUri(b), parseUri(a)), `${b} == ${a}`);
}

function differ(a: string, b: string): void {
  assert.ok(!uriEquals(parseUri(a), parseUri(b)), `${a} != ${b}`);
  assert.ok(!uriEquals(parseUri(b), parseUri(a)), `${b} != ${a}`);
}

test("§19.1.4: equivalent URIs", () => {
  same("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp");
  same("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5");
  same("sip:carol@chicago.com", "sip:carol@chicago.com;security=on");
  same("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on");
  same("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com", "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com");
  same("sip:alice@atlanta.com?subject=project%20x&priority=urgent", "sip:alice@atlanta.com?priority=urgent&subject=project%20x");
});

test("§19.1.4: non-equivalent URIs", () => {
  differ("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"); // different usernames
  differ("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"); // can resolve to different ports
  differ("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"); // can resolve to different transports
  differ("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"); // different port and transport
  differ("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"); // different header component
  differ("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"); // even though that's what phone21.boxesbybob.com resolves to
});

test("§19.1.4: equality is not transitive", () => {
  same("sip:carol@chicago.com", "sip:carol@chicago.com;security=on");
  same("sip:carol@chicago.com", "sip:carol@chicago.com;security=off");
  differ("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off");
});

test("sip and sips never match", () => {
  differ("sip:alice@atlanta.com", "sips:alice@atlanta.com");
});

test("user, ttl, method, maddr and transport must appear in both", () => {
  for (const p of ["user=phone", "ttl=5", "method=INVITE", "maddr=192.0.2.1", "transport=tcp"]) differ("sip:a@b", `sip:a@b;${p}`);
  same("sip:a@b;user=phone", "sip:a@b;USER=PHONE");
  same("sip:a@b;maddr=ExAmPle.com", "sip:a@b;maddr=example.com");
  differ("sip:a@b;ttl=5", "sip:a@b;ttl=6");
});

test("a parameter with and without a value differ when both carry it", () => {
  differ("sip:a@b;lr", "sip:a@b;lr=on");
  same("sip:a@b;lr", "sip:a@b;lr");
});

test("userinfo: case-sensitive, escapes decoded, password compared", () => {
  differ("sip:Alice@b", "sip:alice@b");
  same("sip:a%6C%69ce@b", "sip:alice@b");
  same("sip:alice:pa%73s@b", "sip:alice:pass@b");
  differ("sip:alice:pass@b", "sip:alice:Pass@b");
  differ("sip:alice:pass@b", "sip:alice@b");
  differ("sip:b", "sip:alice@b");
});

test("escaped nulls are kept apart (RFC 4475 escnull)", () => {
  differ("sip:%00@host5.example.com", "sip:%00%00@host5.example.com");
  differ("sip:null-%00-null@example.com", "sip:null-@example.com");
  same("sip:null-%00-null@example.com", "sip:null-%00-null@EXAMPLE.com");
});

test("header components: names case-insensitive, any order, all present", () => {
  same("sip:a@b?Subject=x&Priority=y", "sip:a@b?priority=y&subject=x");
  differ("sip:a@b?subject=x", "sip:a@b?subject=y");
  differ("sip:a@b?h=1&h=2", "sip:a@b?h=1&h=1");
});

test("tel URIs: visual separators ignored, parameters compared", () => {
  same("tel:+1-201-555-0123", "tel:+1.201.555.0123");
  same("tel:+1(201)5550123", "tel:+12015550123");
  differ("tel:+12015550123", "tel:+12015550124");
  same("tel:7042;phone-context=example.com", "tel:7042;PHONE-CONTEXT=Example.COM");
  differ("tel:7042;phone-context=example.com", "tel:7042");
});

test("other schemes compare the opaque part exactly", () => {
  same("urn:uuid:abc", "URN:uuid:abc");
  differ("urn:uuid:abc", "urn:uuid:ABC");
  differ("urn:uuid:abc", "sip:uuid@abc");
});
