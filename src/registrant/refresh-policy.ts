// When to refresh a registration, from the expiry the registrar granted (RFC 3261 §10.2.1: the 2xx
// gives the expiry of each binding; §10.2.4: refresh before it lapses). Pure.
//
// The rule, for a granted expiry of g seconds, margin M (refreshMarginSec, default 60), jitter J
// (refreshJitter, default 0.1) and floor F (minRefreshSec, default 10):
//
//   latest   = g/2          when g ≤ 2·M   (short expiries: at half, as most UAs do)
//            = g − M        otherwise      (long ones: a fixed margin before they lapse, enough for a
//                                           UDP transaction timeout of 32 s plus a challenge round)
//   earliest = latest · (1 − J)             refreshes after a refresh
//            = latest · (1 − max(J, S))     the first refresh after a first registration or a failure
//   window   = [max(earliest, F), max(latest, F)]
//
// S (firstRefreshSpread, default 0.9) is wide on purpose: accounts that registered together (a start-
// up, the end of a registrar outage) are spread over the whole refresh period once, at the cost of one
// earlier refresh each; after that the narrow window keeps them where they are.
//
// The scheduler picks a time inside the window (the less loaded of two random slots), so refreshes
// of accounts registered together drift apart instead of coming back as a wall every cycle.
// The floor means a registrar that grants 0 or a tiny expiry cannot drive a tight loop: the account
// refreshes at most every F seconds (its binding may lapse in between; that registrar is broken).
// Seeds: Asterisk refreshes at expiration − 10 s (REREGISTER_BUFFER_TIME); Kamailio when the next
// reg_timer_interval tick would pass the expiry; OpenSIPS likewise on its timer_interval.

export interface RefreshSettings {
  refreshMarginSec: number;
  refreshJitter: number;
  minRefreshSec: number;
  firstRefreshSpread: number;
}

/** A span of time, in ms from now, inside which something should happen. */
export interface Window {
  earliestMs: number;
  latestMs: number;
}

/**
 * The window in which to send the refresh of a binding granted for `grantedSec` seconds; `first`: the
 * binding came from a first registration (or one after a failure), not from a refresh.
 */
export function refreshWindow(grantedSec: number, s: RefreshSettings, first = false): Window {
  const g = Number.isFinite(grantedSec) && grantedSec > 0 ? grantedSec : 0;
  const latest = g <= 2 * s.refreshMarginSec ? g / 2 : g - s.refreshMarginSec;
  const earliest = latest * (1 - (first ? Math.max(s.refreshJitter, s.firstRefreshSpread) : s.refreshJitter));
  const floor = s.minRefreshSec;
  return { earliestMs: Math.round(Math.max(earliest, floor) * 1000), latestMs: Math.round(Math.max(latest, floor) * 1000) };
}

/** A point of `w` for a uniform draw `r` in [0, 1) (for callers without a scheduler). */
export function pointInWindow(w: Window, r: number): number {
  return w.earliestMs + Math.floor(r * (w.latestMs - w.earliestMs));
}
