import { test } from "node:test";
import assert from "node:assert/strict";
import { failureOfStatus, retryDecision, type Failure, type RetrySettings } from "./retry-policy.js";

const S: RetrySettings = {
  retryIntervalSec: 60,
  forbiddenRetryIntervalSec: 300,
  fatalRetryIntervalSec: 900,
  maxRetries: 10,
  authRejectionPermanent: true,
  retryJitter: 0.1,
};

test("failure kind of a status", () => {
  const rows: Array<[number, number | undefined, Failure]> = [
    [403, undefined, { kind: "forbidden" }],
    [503, 30, { kind: "temporary", retryAfterSec: 30 }],
    [503, undefined, { kind: "temporary" }],
    [500, 5, { kind: "temporary", retryAfterSec: 5 }],
    [480, 7, { kind: "temporary", retryAfterSec: 7 }],
    [408, undefined, { kind: "temporary" }],
    [404, undefined, { kind: "fatal" }],
    [400, undefined, { kind: "fatal" }],
    [501, undefined, { kind: "fatal" }],
    [302, undefined, { kind: "fatal" }],
    [603, undefined, { kind: "fatal" }],
  ];
  for (const [status, ra, f] of rows) assert.deepEqual(failureOfStatus(status, ra), f, String(status));
});

test("wait per failure kind, table (seconds, or null for give up)", () => {
  const rows: Array<[Failure, Partial<RetrySettings>, number | null]> = [
    [{ kind: "timeout" }, {}, 60],
    [{ kind: "transport" }, {}, 60],
    [{ kind: "dns" }, {}, 60],
    [{ kind: "not-bound" }, {}, 60],
    [{ kind: "temporary" }, {}, 60],
    [{ kind: "temporary", retryAfterSec: 17 }, {}, 17],
    [{ kind: "temporary", retryAfterSec: 0 }, {}, 60],
    [{ kind: "forbidden" }, {}, 300],
    [{ kind: "forbidden" }, { forbiddenRetryIntervalSec: 0 }, null],
    [{ kind: "fatal" }, {}, 900],
    [{ kind: "fatal" }, { fatalRetryIntervalSec: 0 }, null],
    [{ kind: "internal" }, {}, 900],
    [{ kind: "realm-mismatch" }, {}, 900],
    [{ kind: "auth-rejected" }, {}, 900],
    [{ kind: "auth-rejected" }, { authRejectionPermanent: false }, 60],
    [{ kind: "auth-rejected" }, { fatalRetryIntervalSec: 0 }, null],
    [{ kind: "timeout" }, { retryIntervalSec: 0 }, null],
  ];
  for (const [f, over, wait] of rows) {
    const d = retryDecision(f, 1, { ...S, ...over });
    if (wait === null) assert.equal(d.retry, false, JSON.stringify([f, over]));
    else assert.deepEqual(d, { retry: true, window: { earliestMs: wait * 1000, latestMs: Math.round(wait * 1000 * 1.1) } }, JSON.stringify([f, over]));
  }
});

test("max_retries counts failures in a row: give up after the one exceeding it; 0 = no retry", () => {
  assert.equal(retryDecision({ kind: "timeout" }, 10, S).retry, true);
  const d = retryDecision({ kind: "timeout" }, 11, S);
  assert.equal(d.retry, false);
  assert.match(d.retry ? "" : d.reason, /11 failures in a row/);
  assert.equal(retryDecision({ kind: "timeout" }, 1, { ...S, maxRetries: 0 }).retry, false);
  assert.equal(retryDecision({ kind: "timeout" }, 1_000_000, { ...S, maxRetries: Infinity }).retry, true);
});
