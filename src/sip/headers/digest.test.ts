import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type AuthenticationInfo,
  type DigestChallenge,
  type DigestCredentials,
  DigestParseError,
  DigestSerializeError,
  parseAuthenticationInfo,
  parseAuthParams,
  parseDigestChallenge,
  parseDigestCredentials,
  quoteAuthValue,
  serializeAuthenticationInfo,
  serializeDigestChallenge,
  serializeDigestCredentials,
} from "./digest.js";

function assertParseError(fn: () => unknown, why: string): void {
  assert.throws(fn, (e: unknown) => e instanceof DigestParseError && e.code === "SIP_PARSE_DIGEST", why);
}

// --- RFC 3261 examples ------------------------------------------------------------------------

test("RFC 3261 §20.27 Proxy-Authenticate example", () => {
  const c = parseDigestChallenge(
    'Digest realm="atlanta.com", domain="sip:ss1.carrier.com", qop="auth", ' +
      'nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5',
  );
  assert.deepEqual(c, {
    scheme: "Digest",
    realm: "atlanta.com",
    domain: "sip:ss1.carrier.com",
    qop: ["auth"],
    nonce: "f84f1cec41e6cbe5aea9c8e88d359",
    opaque: "",
    stale: false,
    algorithm: "MD5",
    other: [],
  });
});

test("RFC 3261 §20.44 WWW-Authenticate example, still folded over several lines", () => {
  const c = parseDigestChallenge(
    'Digest realm="atlanta.com",\r\n domain="sip:boxesbybob.com", qop="auth",\r\n' +
      ' nonce="f84f1cec41e6cbe5aea9c8e88d359",\r\n opaque="", stale=FALSE, algorithm=MD5',
  );
  assert.equal(c.realm, "atlanta.com");
  assert.equal(c.domain, "sip:boxesbybob.com");
  assert.equal(c.nonce, "f84f1cec41e6cbe5aea9c8e88d359");
  assert.equal(c.opaque, "");
});

test("RFC 3261 §20.7 Authorization example (no uri in the example)", () => {
  const c = parseDigestCredentials(
    'Digest username="Alice", realm="atlanta.com",\r\n nonce="84a4cc6f3082121f32b42a2187831a9e",\r\n' +
      ' response="7587245234b3434cc3412213e5f113a5432"',
  );
  assert.deepEqual(c, {
    scheme: "Digest",
    username: "Alice",
    realm: "atlanta.com",
    nonce: "84a4cc6f3082121f32b42a2187831a9e",
    response: "7587245234b3434cc3412213e5f113a5432",
    other: [],
  });
});

test("RFC 3261 §20.28 Proxy-Authorization example", () => {
  const c = parseDigestCredentials(
    'Digest username="Alice", realm="atlanta.com", nonce="c60f3082ee1212b402a21831ae", ' +
      'response="245f23415f11432b3434341c022"',
  );
  assert.equal(c.username, "Alice");
  assert.equal(c.nonce, "c60f3082ee1212b402a21831ae");
  assert.equal(c.response, "245f23415f11432b3434341c022");
});

// --- RFC 2617 / RFC 7616 examples -------------------------------------------------------------

test("RFC 2617 §3.5 challenge: several qop values, opaque", () => {
  const c = parseDigestChallenge(
    'Digest realm="testrealm@host.com", qop="auth,auth-int", ' +
      'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  );
  assert.deepEqual(c.qop, ["auth", "auth-int"]);
  assert.equal(c.opaque, "5ccc069c403ebaf9f0171e9517f40e41");
  assert.equal(c.algorithm, undefined);
  assert.equal(c.stale, false);
});

test("qop lists tolerate whitespace and empty elements", () => {
  const c = parseDigestChallenge('Digest realm="r", nonce="n", qop=" auth ,, auth-int ,"');
  assert.deepEqual(c.qop, ["auth", "auth-int"]);
});

test("RFC 7616 §3.9.1 credentials parse and serialize back to the canonical form", () => {
  const text =
    'Digest username="Mufasa", realm="http-auth@example.org", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", ' +
    'uri="/dir/index.html", response="8ca523f5e9506fed4657c9700eebdbec", algorithm=MD5, ' +
    'cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", ' +
    "qop=auth, nc=00000001";
  const c = parseDigestCredentials(text);
  assert.equal(c.qop, "auth");
  assert.equal(c.nc, "00000001");
  assert.equal(c.uri, "/dir/index.html");
  assert.equal(serializeDigestCredentials(c), text);
});

test("RFC 7616 §3.9.2 challenge with charset and userhash", () => {
  const c = parseDigestChallenge(
    'Digest\r\n realm="api@example.org",\r\n qop="auth",\r\n algorithm=SHA-512-256,\r\n' +
      ' nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK",\r\n' +
      ' opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS",\r\n charset=UTF-8,\r\n userhash=true',
  );
  assert.equal(c.algorithm, "SHA-512-256");
  assert.equal(c.charset, "UTF-8");
  assert.equal(c.userhash, true);
  assert.equal(
    serializeDigestChallenge(c),
    'Digest realm="api@example.org", nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", ' +
      'opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", algorithm=SHA-512-256, qop="auth", ' +
      "charset=UTF-8, userhash=true",
  );
});

test("RFC 7616 §3.9.2 username* is decoded, and re-encoded on output", () => {
  const c = parseDigestCredentials(
    "Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm=\"api@example.org\", uri=\"/doe.json\", " +
      'algorithm=SHA-512-256, nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", nc=00000001, ' +
      'cnonce="NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v", qop=auth, response="x", userhash=false',
  );
  assert.equal(c.username, "J\u00e4s\u00f8n Doe");
  assert.equal(c.usernameStar, "J\u00e4s\u00f8n Doe");
  assert.equal(c.userhash, false);
  assert.match(serializeDigestCredentials(c), /^Digest username\*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm=/);
});

test("Authentication-Info (RFC 7616 §3.5 style)", () => {
  const text =
    'nextnonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", qop=auth, rspauth="8ca523f5e9506fed4657c9700eebdbec", ' +
    'cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", nc=00000001';
  const info = parseAuthenticationInfo(text);
  assert.deepEqual(info, {
    nextnonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
    qop: "auth",
    rspauth: "8ca523f5e9506fed4657c9700eebdbec",
    cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    nc: "00000001",
    other: [],
  });
  assert.equal(serializeAuthenticationInfo(info), text);
  assert.deepEqual(parseAuthenticationInfo('nextnonce="abc"'), { nextnonce: "abc", other: [] });
});

// --- Lexical details --------------------------------------------------------------------------

test("stale is true for true / TRUE / quoted, false otherwise", () => {
  const stale = (v: string) => parseDigestChallenge(`Digest realm="r", nonce="n", stale=${v}`).stale;
  assert.equal(stale("true"), true);
  assert.equal(stale("TRUE"), true);
  assert.equal(stale('"True"'), true);
  assert.equal(stale("FALSE"), false);
  assert.equal(stale("yes"), false);
  assert.equal(parseDigestChallenge('Digest realm="r", nonce="n"').stale, false);
});

test("escaped quotes and backslashes inside quoted strings", () => {
  const c = parseDigestChallenge('Digest realm="say \\"hi\\" \\\\ \\x", nonce="n"');
  assert.equal(c.realm, 'say "hi" \\ x');
  assert.equal(serializeDigestChallenge(c), 'Digest realm="say \\"hi\\" \\\\ x", nonce="n"');
});

test("scheme is case-insensitive; LWS around = and , and extra commas are tolerated", () => {
  const c = parseDigestChallenge(' dIgEsT \t,realm = "r" ,, nonce=\t"n"  ,opaque =o, ');
  assert.equal(c.scheme, "Digest");
  assert.equal(c.realm, "r");
  assert.equal(c.nonce, "n");
  assert.equal(c.opaque, "o");
});

test("parameter names are case-insensitive; unknown ones are kept in order with their spelling", () => {
  const c = parseDigestChallenge('Digest REALM="r", X-B=2, Nonce="n", x-a="a b", x-b=1');
  assert.equal(c.realm, "r");
  assert.equal(c.nonce, "n");
  assert.deepEqual(c.other, [["X-B", "2"], ["x-a", "a b"], ["x-b", "1"]]);
  assert.equal(serializeDigestChallenge(c), 'Digest realm="r", nonce="n", X-B=2, x-a="a b", x-b=1');
});

test("bare values that are not tokens (base64 nonces) still parse, and get quoted on output", () => {
  const c = parseDigestChallenge("Digest realm=r, nonce=ab/cd+ef==, algorithm=\"MD5\"");
  assert.equal(c.nonce, "ab/cd+ef==");
  assert.equal(c.algorithm, "MD5");
  assert.equal(serializeDigestChallenge(c), 'Digest realm="r", nonce="ab/cd+ef==", algorithm=MD5');
});

test("parseAuthParams reports whether each value was quoted", () => {
  assert.deepEqual(parseAuthParams('a=1, b="2"'), [
    { name: "a", value: "1", quoted: false },
    { name: "b", value: "2", quoted: true },
  ]);
});

test("malformed values raise DigestParseError", () => {
  const bad: [string, string][] = [
    ["", "empty"],
    ["   ", "blank"],
    ['Basic realm="r"', "another scheme"],
    ['Digest realm="r"', "no nonce"],
    ['Digest nonce="n"', "no realm"],
    ['Digest realm="r, nonce="n"', "unterminated quote"],
    ['Digest realm="r" nonce="n"', "missing comma"],
    ['Digest realm, nonce="n"', "parameter without value"],
    ['Digest realm=, nonce="n"', "empty bare value"],
    ['Digest realm="a", realm="b", nonce="n"', "duplicate realm"],
    ['Digest="x"', "no space after scheme"],
    ['Digest realm="a\\', "escape at end"],
    ['Digest realm="a\r\nb", nonce="n"', "line break in a quoted string not followed by whitespace"],
    ['Digest realm="a\u0000", nonce="n"', "control character"],
    ['Digest realm="r", nonce="n", =x', "empty parameter name"],
    ['Digest realm=a"b", nonce="n"', "quote inside bare value"],
  ];
  for (const [value, why] of bad) assertParseError(() => parseDigestChallenge(value), why);

  const ok = 'realm="r", nonce="n", response="x"';
  const badCreds: [string, string][] = [
    [`Digest ${ok}`, "no username"],
    [`Digest username="u", username*=UTF-8''u, ${ok}`, "username and username*"],
    [`Digest username*=ISO-8859-1''u, ${ok}`, "username* charset not UTF-8"],
    [`Digest username*=UTF-8''%C3, ${ok}`, "username* not valid UTF-8"],
    [`Digest username*=UTF-8''a b, ${ok}`, "username* with an unencoded space"],
    [`Digest username*=u, ${ok}`, "username* without charset"],
    [`Digest username="u", ${ok}, nc=1`, "short nc"],
    [`Digest username="u", ${ok}, nc=0000000g`, "non-hex nc"],
    ['Digest username="u", realm="r", nonce="n"', "no response"],
  ];
  for (const [value, why] of badCreds) assertParseError(() => parseDigestCredentials(value), why);

  assertParseError(() => parseAuthenticationInfo(""), "empty Authentication-Info");
  assertParseError(() => parseAuthenticationInfo(" , "), "Authentication-Info of empty elements");
  assertParseError(() => parseAuthenticationInfo("nc=123"), "bad nc in Authentication-Info");
});

test("serializers refuse values they cannot write safely", () => {
  const base: DigestChallenge = { scheme: "Digest", realm: "r", nonce: "n", qop: [], stale: false, other: [] };
  const refuses = (c: DigestChallenge) =>
    assert.throws(() => serializeDigestChallenge(c), (e: unknown) => e instanceof DigestSerializeError);
  refuses({ ...base, realm: "a\r\nVia: evil" });
  refuses({ ...base, other: [["realm", "x"]] });
  refuses({ ...base, other: [["bad name", "x"]] });
  refuses({ ...base, qop: ["auth,auth-int"] });
  refuses({ ...base, qop: [""] });
  assert.throws(
    () => serializeDigestCredentials({ scheme: "Digest", username: "u", realm: "r", nonce: "n", response: "x", nc: "1", other: [] }),
    DigestSerializeError,
  );
  assert.throws(() => serializeAuthenticationInfo({ other: [] }), DigestSerializeError);
});

test("control characters are escaped as quoted-pairs and read back", () => {
  const c: DigestChallenge = { scheme: "Digest", realm: "a\u0001b\u007f\tc", nonce: "n", qop: [], stale: false, other: [] };
  const text = serializeDigestChallenge(c);
  assert.equal(text, 'Digest realm="a\\\u0001b\\\u007f\tc", nonce="n"');
  assert.deepEqual(parseDigestChallenge(text), c);
});

// --- Properties -------------------------------------------------------------------------------

const noBreak = (s: string) => !s.includes("\r") && !s.includes("\n");
const nastyChar = fc.constantFrom("a", "Z", "0", " ", "\t", '"', "\\", ",", "=", "\u0001", "\u007f", "\u00e9", "\u{1F600}", "/", "+");
const anyText = fc
  .oneof(fc.string({ unit: "grapheme", maxLength: 12 }), fc.string({ unit: nastyChar, maxLength: 12 }))
  .filter(noBreak);
const CHALLENGE_NAMES = ["realm", "nonce", "opaque", "algorithm", "qop", "stale", "domain", "userhash", "charset"];
const CREDENTIAL_NAMES = ["username", "username*", "userhash", "realm", "nonce", "uri", "response", "algorithm", "cnonce", "opaque", "qop", "nc"];
const AUTH_INFO_NAMES = ["nextnonce", "qop", "rspauth", "cnonce", "nc"];
const otherParams = (known: string[]) =>
  fc.array(
    fc.tuple(
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9.!%*_+`'~-]{0,8}$/).filter((n) => !known.includes(n.toLowerCase())),
      anyText,
    ),
    { maxLength: 3 },
  );
const ncArb = fc.stringMatching(/^[0-9a-fA-F]{8}$/);
const qopOption = anyText.filter((q) => q.length > 0 && !q.includes(",") && q.trim() === q);

const challengeArb: fc.Arbitrary<DigestChallenge> = fc.record(
  {
    scheme: fc.constant("Digest" as const),
    realm: anyText,
    nonce: anyText,
    opaque: anyText,
    algorithm: anyText,
    qop: fc.array(qopOption, { maxLength: 3 }),
    stale: fc.boolean(),
    domain: anyText,
    userhash: fc.boolean(),
    charset: anyText,
    other: otherParams(CHALLENGE_NAMES),
  },
  { requiredKeys: ["scheme", "realm", "nonce", "qop", "stale", "other"], noNullPrototype: true },
);

const credentialsArb: fc.Arbitrary<DigestCredentials> = fc
  .tuple(
    fc.record(
      {
        scheme: fc.constant("Digest" as const),
        username: anyText,
        userhash: fc.boolean(),
        realm: anyText,
        nonce: anyText,
        uri: anyText,
        response: anyText,
        algorithm: anyText,
        cnonce: anyText,
        opaque: anyText,
        qop: anyText,
        nc: ncArb,
        other: otherParams(CREDENTIAL_NAMES),
      },
      { requiredKeys: ["scheme", "username", "realm", "nonce", "response", "other"], noNullPrototype: true },
    ),
    // username* can carry anything, line breaks included, since it is percent-encoded.
    fc.option(fc.string({ unit: "grapheme", maxLength: 10 }), { nil: undefined }),
  )
  .map(([c, star]) => (star === undefined ? c : { ...c, username: star, usernameStar: star }));

const authInfoArb: fc.Arbitrary<AuthenticationInfo> = fc
  .record(
    { nextnonce: anyText, qop: anyText, rspauth: anyText, cnonce: anyText, nc: ncArb, other: otherParams(AUTH_INFO_NAMES) },
    { requiredKeys: ["other"], noNullPrototype: true },
  )
  .filter((i) => Object.keys(i).length > 1 || i.other.length > 0);

test("property: parse(serialize(model)) deep-equals the model", () => {
  fc.assert(fc.property(challengeArb, (c) => assert.deepEqual(parseDigestChallenge(serializeDigestChallenge(c)), c)));
  fc.assert(fc.property(credentialsArb, (c) => assert.deepEqual(parseDigestCredentials(serializeDigestCredentials(c)), c)));
  fc.assert(fc.property(authInfoArb, (i) => assert.deepEqual(parseAuthenticationInfo(serializeAuthenticationInfo(i)), i)));
});

// Renders params the untidy ways peers write them: any case, bare or quoted, stray LWS and commas.
const lws = fc.constantFrom("", " ", "  ", "\t", "\r\n ");
const separator = fc.tuple(lws, fc.constantFrom(",", ",,", " , ", ", ,"), lws).map((a) => a.join(""));
const canBeBare = (v: string) => v.length > 0 && !/[\s,"\u0000-\u001f\u007f]/.test(v);

interface MessyParam {
  upper: boolean;
  quote: boolean;
  before: string;
  after: string;
  sep: string;
}
const messyParam: fc.Arbitrary<MessyParam> = fc.record(
  { upper: fc.boolean(), quote: fc.boolean(), before: lws, after: lws, sep: separator },
  { noNullPrototype: true },
);

/** Re-renders a canonical header untidily; parsing the result must give the same model back. */
function untidy(canonical: string, scheme: string, known: readonly string[], styles: readonly MessyParam[], schemeUpper: boolean): string {
  const params = parseAuthParams(canonical, scheme.length);
  const shown = params.map((p, i) => {
    const st = styles[i % styles.length] ?? { upper: false, quote: true, before: "", after: "", sep: "," };
    const value = st.quote || !canBeBare(p.value) ? quoteAuthValue(p.value) : p.value;
    // Names in other keep their spelling, so only known names change case.
    const name = st.upper && known.includes(p.name) ? p.name.toUpperCase() : p.name;
    return `${name}${st.before}=${st.after}${value}${st.sep}`;
  });
  const head = schemeUpper ? scheme.toUpperCase() : scheme;
  return `${head} ${shown.join(" ")}`;
}

function untidyRoundTrip<T>(
  model: fc.Arbitrary<T>,
  scheme: string,
  known: readonly string[],
  parse: (s: string) => T,
  serialize: (v: T) => string,
) {
  return fc.property(model, fc.array(messyParam, { minLength: 1, maxLength: 6 }), fc.boolean(), (m, styles, up) => {
    const text = serialize(m);
    const messy = untidy(text, scheme, known, styles, up);
    const parsed = parse(messy);
    assert.deepEqual(parsed, m, messy);
    assert.equal(serialize(parsed), text);
  });
}

function stableOrParseError<T>(x: string, parse: (s: string) => T, serialize: (v: T) => string): void {
  let first: T;
  try {
    first = parse(x);
  } catch (e) {
    assert.ok(e instanceof DigestParseError, `unexpected ${String(e)} for ${JSON.stringify(x)}`);
    return;
  }
  const text = serialize(first);
  const again = parse(text);
  assert.deepEqual(again, first);
  assert.equal(serialize(again), text);
}

test("property: untidy renderings parse to the model and serialize(parse(x)) is canonical", () => {
  const runs = { numRuns: 300 };
  fc.assert(untidyRoundTrip(challengeArb, "Digest", CHALLENGE_NAMES, parseDigestChallenge, serializeDigestChallenge), runs);
  fc.assert(untidyRoundTrip(credentialsArb, "Digest", CREDENTIAL_NAMES, parseDigestCredentials, serializeDigestCredentials), runs);
  fc.assert(untidyRoundTrip(authInfoArb, "", AUTH_INFO_NAMES, parseAuthenticationInfo, serializeAuthenticationInfo), runs);
});

test("property: arbitrary strings raise nothing but DigestParseError (and parse stably when they parse)", () => {
  const fragments = fc.constantFrom(
    "Digest ", "digest", " ", "\t", "\r\n", "\n", '"', "\\", ",", "=", "'", "%", "%C3", "%A4", "%0", "\u0000",
    "realm", "nonce", "qop", "stale", "username", "username*", "UTF-8''", "nc", "00000001", "response",
    "userhash", "true", "auth", "a", "\u00e9", "\u{1F600}", "\ud800",
  );
  const soup = fc.oneof(
    fc.string({ unit: "binary", maxLength: 60 }),
    fc.array(fragments, { maxLength: 30 }).map((a) => a.join("")),
    fc.array(fragments, { maxLength: 30 }).map((a) => `Digest realm="r", nonce="n", username="u", response="x", ${a.join("")}`),
  );
  fc.assert(
    fc.property(soup, (x) => {
      stableOrParseError(x, parseDigestChallenge, serializeDigestChallenge);
      stableOrParseError(x, parseDigestCredentials, serializeDigestCredentials);
      stableOrParseError(x, parseAuthenticationInfo, serializeAuthenticationInfo);
    }),
    { numRuns: 2000 },
  );
});
