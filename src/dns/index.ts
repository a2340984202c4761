// Public face of the SIP server locator (RFC 3263); test support modules are imported directly.
export type {
  AddressRecord,
  DnsBackend,
  DnsRecordType,
  NaptrRecord,
  ResolveInput,
  SipTarget,
  SipTransportName,
  SrvRecord,
} from "./types.js";
export { DnsError, type DnsErrorCode } from "./dns-error.js";
export { DnsCache, type DnsCacheOptions } from "./dns-cache.js";
export { NodeDnsBackend, type NodeDnsBackendOptions } from "./node-dns-backend.js";
export { Rfc3263Resolver, type Rfc3263ResolverOptions } from "./rfc3263-resolver.js";
export type { FloatSource } from "./srv-order.js";
