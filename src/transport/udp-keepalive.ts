// STUN keepalives on UDP flows (RFC 5626 §4.4.2): a Binding request from a local listener to a remote
// every keepalive interval, retransmitted per RFC 5389 §7.2.1 (RTO 500 ms doubling, 7 transmissions,
// 16 × RTO after the last: 39.5 s in all); no answer, or an XOR-MAPPED-ADDRESS other than the one the
// flow first saw (a NAT rebinding), fails the flow.
//
// Sized for many flows: every timer is on the shared timer wheel (one pending timer per flow, no
// closure: the callback gets the flow's slot as its argument), and a flow's state is a slot in a few
// arrays (struct of arrays):
//   remote Endpoint ref 8 B, listener id ref 8 B, handler ref 8 B, timer ref 8 B (+ the wheel's node),
//   interval bounds 2 × 4 B, transmissions 1 B, generation 4 B, transaction id 12 B, mapped address 20 B
// (73 B), plus the wheel's timer node and the remote Endpoint: about 90 bytes per flow measured at 100 000.
//
// The transaction id carries the flow's slot in its first 4 bytes and 8 random bytes, so a response
// finds its flow without a map; all 12 bytes must match, and the response must come from the flow's
// remote. A flow id is negative (it never equals a connection id, which are positive) and encodes the
// slot and its generation, so the id of a stopped flow never names a later one.
import { randomFillSync } from "node:crypto";
import { normaliseAddress } from "./endpoint.js";
import { buildBindingRequest, ipString, mappedAddressOf, STUN_BINDING_SUCCESS, STUN_TRANSACTION_ID_BYTES, type StunMessage } from "./stun.js";
import type { Endpoint } from "./types.js";
import type { TimerHandle, TimerWheel } from "../util/timer-wheel.js";

export type UdpFlowFailure = "no-response" | "mapped-address-changed";

/** Told once when a flow fails; the flow is stopped by then. */
export type UdpFlowFailedHandler = (id: number, reason: UdpFlowFailure) => void;

export interface UdpKeepaliveOptions {
  wheel: TimerWheel;
  /** Sends one datagram from the listener `listenerId` to `remote`; must not throw. */
  send(listenerId: string, remote: Endpoint, data: Buffer): void;
  /** Runs a failure handler (the transport catches and counts what it throws). Default: calls it, swallowing errors. */
  report?: (fn: () => void) => void;
  /** [0, 1) for the interval jitter. Default Math.random. */
  random?: () => number;
  /** RFC 5389 §7.2.1 RTO (ms). Default 500. */
  rtoMs?: number;
  /** Rc: transmissions of one request. Default 7. */
  maxTransmissions?: number;
  /** Rm: the wait after the last transmission, in RTOs. Default 16. */
  lastWaitRtos?: number;
}

export interface UdpKeepaliveInfo {
  id: number;
  listenerId: string;
  remote: Endpoint;
  minIntervalMs: number;
  maxIntervalMs: number;
  /** Transmissions of the request in flight; 0 while waiting for the next interval. */
  transmissions: number;
  /** The address the registrar sees us at, from the first answer with one. */
  mapped: Endpoint | undefined;
}

export interface UdpKeepaliveStats {
  flows: number;
  /** Binding requests sent, retransmissions included. */
  requestsSent: number;
  /** Answers matched to a flow. */
  responses: number;
  failures: number;
}

const SLOT_BITS = 20;
const SLOTS = 2 ** SLOT_BITS;
/** Mapped address record per slot: family (0 none, 4, 6), 1 pad byte, port, 16 address bytes. */
const MAPPED_BYTES = 20;

const onTimer = (self: UdpKeepalives, slot: number): void => self.fire(slot);

export class UdpKeepalives {
  private readonly wheel: TimerWheel;
  private readonly sendDatagram: UdpKeepaliveOptions["send"];
  private readonly report: (fn: () => void) => void;
  private readonly random: () => number;
  private readonly rtoMs: number;
  private readonly maxTx: number;
  private readonly lastWaitRtos: number;
  private capacity = 0;
  private readonly freeList: number[] = [];
  private remotes: Array<Endpoint | undefined> = [];
  private listenerIds: Array<string | undefined> = [];
  private handlers: Array<UdpFlowFailedHandler | undefined> = [];
  private timers: Array<TimerHandle | undefined> = [];
  private minMs: Uint32Array = new Uint32Array(0);
  private maxMs: Uint32Array = new Uint32Array(0);
  private tx: Uint8Array = new Uint8Array(0);
  private gens: Uint32Array = new Uint32Array(0);
  private txids: Buffer = Buffer.alloc(0);
  private mapped: Buffer = Buffer.alloc(0);
  private live = 0;
  private requestsSent = 0;
  private responses = 0;
  private failures = 0;

  constructor(o: UdpKeepaliveOptions) {
    this.wheel = o.wheel;
    this.sendDatagram = o.send;
    this.report =
      o.report ??
      ((fn) => {
        try {
          fn();
        } catch {
          // Nobody to tell.
        }
      });
    this.random = o.random ?? Math.random;
    this.rtoMs = o.rtoMs ?? 500;
    this.maxTx = Math.max(1, Math.min(255, o.maxTransmissions ?? 7));
    this.lastWaitRtos = o.lastWaitRtos ?? 16;
  }

  /**
   * Starts keepalives on the flow `listenerId` → `remote`: the first Binding request after an interval
   * drawn in [minIntervalMs, maxIntervalMs], and so on after each answer. Returns the flow id, or
   * undefined when a million flows are running already.
   */
  start(listenerId: string, remote: Endpoint, minIntervalMs: number, maxIntervalMs: number, onFailed: UdpFlowFailedHandler): number | undefined {
    const slot = this.allocate();
    if (slot === undefined) return undefined;
    const lo = Math.max(1, Math.round(Math.min(minIntervalMs, maxIntervalMs)));
    this.remotes[slot] = { address: normaliseAddress(remote.address), port: remote.port };
    this.listenerIds[slot] = listenerId;
    this.handlers[slot] = onFailed;
    this.minMs[slot] = lo;
    this.maxMs[slot] = Math.max(lo, Math.round(maxIntervalMs));
    this.tx[slot] = 0;
    this.mapped[slot * MAPPED_BYTES] = 0;
    this.live++;
    this.scheduleNext(slot);
    return idOf(slot, this.gens[slot]!);
  }

  /** Stops a flow's keepalives; false when it is not running (stopped, failed, unknown). */
  stop(id: number): boolean {
    const slot = this.slotOf(id);
    if (slot === undefined) return false;
    this.free(slot);
    return true;
  }

  stopAll(): void {
    for (let s = 0; s < this.capacity; s++) if (this.remotes[s] !== undefined) this.free(s);
  }

  info(id: number): UdpKeepaliveInfo | undefined {
    const slot = this.slotOf(id);
    if (slot === undefined) return undefined;
    const m = this.mapped.subarray(slot * MAPPED_BYTES, (slot + 1) * MAPPED_BYTES);
    const fam = m[0];
    let mapped: Endpoint | undefined;
    if (fam === 4 || fam === 6) {
      const a = m.subarray(4, fam === 4 ? 8 : 20);
      mapped = { address: ipString(a), port: m.readUInt16BE(2) };
    }
    return {
      id,
      listenerId: this.listenerIds[slot]!,
      remote: { ...this.remotes[slot]! },
      minIntervalMs: this.minMs[slot]!,
      maxIntervalMs: this.maxMs[slot]!,
      transmissions: this.tx[slot]!,
      mapped,
    };
  }

  /** Ids of the running flows. */
  ids(): number[] {
    const out: number[] = [];
    for (let s = 0; s < this.capacity; s++) if (this.remotes[s] !== undefined) out.push(idOf(s, this.gens[s]!));
    return out;
  }

  stats(): UdpKeepaliveStats {
    return { flows: this.live, requestsSent: this.requestsSent, responses: this.responses, failures: this.failures };
  }

  /**
   * A STUN message from `remote`: true when it is the answer to one of our Binding requests (it is
   * then consumed: the flow waits for its next interval, or fails on a changed mapped address).
   */
  onResponse(msg: StunMessage, remote: Endpoint): boolean {
    if (msg.type !== STUN_BINDING_SUCCESS) return false;
    const id = msg.transactionId;
    const slot = id.readUInt32BE(0);
    if (slot >= this.capacity || this.tx[slot] === 0) return false;
    const r = this.remotes[slot];
    if (r === undefined || r.port !== remote.port || r.address !== normaliseAddress(remote.address)) return false;
    if (this.txids.compare(id, 0, STUN_TRANSACTION_ID_BYTES, slot * STUN_TRANSACTION_ID_BYTES, (slot + 1) * STUN_TRANSACTION_ID_BYTES) !== 0) return false;
    this.responses++;
    const a = mappedAddressOf(msg);
    if (a !== undefined) {
      const at = slot * MAPPED_BYTES;
      const m = this.mapped;
      const n = a.address.length;
      if (m[at] === 0) {
        m[at] = a.family;
        m.writeUInt16BE(a.port, at + 2);
        a.address.copy(m, at + 4);
      } else if (m[at] !== a.family || m.readUInt16BE(at + 2) !== a.port || m.compare(a.address, 0, n, at + 4, at + 4 + n) !== 0) {
        // RFC 5626 §4.4.2: a changed XOR-MAPPED-ADDRESS is a failure of the flow.
        this.fail(slot, "mapped-address-changed");
        return true;
      }
    }
    this.tx[slot] = 0;
    this.scheduleNext(slot);
    return true;
  }

  /** Timer of `slot`: send the next request, retransmit, or give up. */
  fire(slot: number): void {
    this.timers[slot] = undefined;
    const listenerId = this.listenerIds[slot];
    const remote = this.remotes[slot];
    if (listenerId === undefined || remote === undefined) return;
    const sent = this.tx[slot]!;
    if (sent >= this.maxTx) {
      this.fail(slot, "no-response");
      return;
    }
    const base = slot * STUN_TRANSACTION_ID_BYTES;
    if (sent === 0) {
      // A new transaction: slot, then 8 random bytes (RFC 5389 §6).
      this.txids.writeUInt32BE(slot, base);
      randomFillSync(this.txids, base + 4, STUN_TRANSACTION_ID_BYTES - 4);
    }
    this.tx[slot] = sent + 1;
    const wait = sent + 1 >= this.maxTx ? this.rtoMs * this.lastWaitRtos : this.rtoMs * 2 ** sent;
    this.timers[slot] = this.wheel.schedule(wait, onTimer, this, slot);
    this.requestsSent++;
    this.sendDatagram(listenerId, remote, buildBindingRequest(this.txids.subarray(base, base + STUN_TRANSACTION_ID_BYTES)));
  }

  private scheduleNext(slot: number): void {
    this.wheel.cancel(this.timers[slot]);
    const lo = this.minMs[slot]!;
    const wait = lo + Math.floor(this.random() * (this.maxMs[slot]! - lo + 1));
    this.timers[slot] = this.wheel.schedule(Math.min(wait, this.maxMs[slot]!), onTimer, this, slot);
  }

  private fail(slot: number, reason: UdpFlowFailure): void {
    const id = idOf(slot, this.gens[slot]!);
    const handler = this.handlers[slot];
    this.failures++;
    this.free(slot);
    if (handler !== undefined) this.report(() => handler(id, reason));
  }

  private slotOf(id: number): number | undefined {
    if (!Number.isInteger(id) || id >= 0) return undefined;
    const n = -id - 1;
    const slot = n % SLOTS;
    const gen = Math.floor(n / SLOTS);
    if (slot >= this.capacity || this.remotes[slot] === undefined || this.gens[slot] !== gen) return undefined;
    return slot;
  }

  private allocate(): number | undefined {
    const reused = this.freeList.pop();
    if (reused !== undefined) return reused;
    if (this.capacity >= SLOTS) return undefined;
    const slot = this.capacity++;
    if (slot >= this.tx.length) this.grow(Math.min(SLOTS, Math.max(16, this.tx.length * 2)));
    return slot;
  }

  private grow(n: number): void {
    const u32 = (old: Uint32Array): Uint32Array => {
      const a = new Uint32Array(n);
      a.set(old);
      return a;
    };
    this.minMs = u32(this.minMs);
    this.maxMs = u32(this.maxMs);
    this.gens = u32(this.gens);
    const tx = new Uint8Array(n);
    tx.set(this.tx);
    this.tx = tx;
    const txids = Buffer.alloc(n * STUN_TRANSACTION_ID_BYTES);
    this.txids.copy(txids);
    this.txids = txids;
    const mapped = Buffer.alloc(n * MAPPED_BYTES);
    this.mapped.copy(mapped);
    this.mapped = mapped;
  }

  private free(slot: number): void {
    this.wheel.cancel(this.timers[slot]);
    this.timers[slot] = undefined;
    this.remotes[slot] = undefined;
    this.listenerIds[slot] = undefined;
    this.handlers[slot] = undefined;
    this.tx[slot] = 0;
    this.mapped[slot * MAPPED_BYTES] = 0;
    this.gens[slot] = (this.gens[slot]! + 1) >>> 0;
    this.live--;
    this.freeList.push(slot);
  }
}

function idOf(slot: number, gen: number): number {
  return -(gen * SLOTS + slot + 1);
}

