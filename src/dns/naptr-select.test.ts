import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { selectSipNaptrRecords } from "./naptr-select.js";
import type { NaptrRecord, SipTransportName } from "./types.js";

const naptr = (order: number, preference: number, service: string, replacement: string, flags = "s"): NaptrRecord => ({
  order,
  preference,
  flags,
  service,
  regexp: "",
  replacement,
  ttl: 60,
});
const all = new Set<SipTransportName>(["udp", "tcp", "tls", "ws", "wss"]);

describe("selectSipNaptrRecords (RFC 3263 §4.1)", () => {
  it("sorts by order, then preference, and maps services to transports", () => {
    const chosen = selectSipNaptrRecords(
      [
        naptr(20, 1, "SIP+D2U", "_sip._udp.example.com"),
        naptr(10, 50, "SIPS+D2T", "_sips._tcp.example.com"),
        naptr(10, 5, "sip+d2t", "_sip._tcp.example.com."),
        naptr(30, 0, "SIP+D2W", "_sip._ws.example.com"),
        naptr(30, 1, "SIPS+D2W", "_sips._ws.example.com"),
      ],
      "sip",
      all,
    );
    assert.deepEqual(chosen, [
      { transport: "tcp", srvName: "_sip._tcp.example.com" },
      { transport: "tls", srvName: "_sips._tcp.example.com" },
      { transport: "udp", srvName: "_sip._udp.example.com" },
      { transport: "ws", srvName: "_sip._ws.example.com" },
      { transport: "wss", srvName: "_sips._ws.example.com" },
    ]);
  });

  it("keeps only SIPS services for a sips URI", () => {
    const records = [naptr(1, 1, "SIP+D2T", "t.example.com"), naptr(2, 1, "SIPS+D2T", "s.example.com"), naptr(3, 1, "SIP+D2U", "u.example.com")];
    assert.deepEqual(selectSipNaptrRecords(records, "sips", all), [{ transport: "tls", srvName: "s.example.com" }]);
  });

  it("skips non-terminal flags, unknown services, unsupported transports and empty replacements", () => {
    const chosen = selectSipNaptrRecords(
      [
        naptr(1, 1, "SIP+D2U", "next.example.com", ""),
        naptr(1, 1, "SIP+D2U", "a-record.example.com", "a"),
        naptr(1, 1, "E2U+sip", "x.example.com"),
        naptr(1, 1, "SIP+D2S", "_sip._sctp.example.com"),
        naptr(1, 1, "SIP+D2W", "_sip._ws.example.com"),
        naptr(1, 1, "SIP+D2T", "."),
        naptr(1, 2, "SIP+D2U", "_sip._udp.example.com", "S"),
      ],
      "sip",
      new Set<SipTransportName>(["udp", "tcp"]),
    );
    assert.deepEqual(chosen, [{ transport: "udp", srvName: "_sip._udp.example.com" }]);
  });
});
