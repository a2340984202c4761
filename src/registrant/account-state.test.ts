import { test } from "node:test";
import assert from "node:assert/strict";
import { ACCOUNT_STATES, kamailioFlags, regStatus, stateCode, type AccountState, type StatusFacts } from "./account-state.js";

test("OpenSIPS state numbers 0..7, DISABLED 8", () => {
  assert.deepEqual(
    ACCOUNT_STATES.map((s) => [s, stateCode(s)]),
    [
      ["NOT_REGISTERED", 0],
      ["REGISTERING", 1],
      ["AUTHENTICATING", 2],
      ["REGISTERED", 3],
      ["REGISTER_TIMEOUT", 4],
      ["INTERNAL_ERROR", 5],
      ["WRONG_CREDENTIALS", 6],
      ["REGISTRAR_ERROR", 7],
      ["DISABLED", 8],
    ],
  );
});

function facts(state: AccountState, more: Partial<StatusFacts> = {}): StatusFacts {
  return { state, bound: false, initialized: true, givenUp: false, ...more };
}

test("Kamailio flags and uac_reg_status codes, table", () => {
  // state, bound, givenUp → flags, status
  const rows: Array<[AccountState, boolean, boolean, number, number]> = [
    ["NOT_REGISTERED", false, false, 16, -99],
    ["REGISTERING", false, false, 16 | 2, -2],
    ["AUTHENTICATING", false, false, 16 | 2 | 8, -2],
    ["REGISTERED", true, false, 16 | 4, 1],
    // A refresh in progress while the binding still holds: in progress and succeeded, status 1.
    ["REGISTERING", true, false, 16 | 2 | 4, 1],
    ["AUTHENTICATING", true, false, 16 | 2 | 8 | 4, 1],
    ["REGISTER_TIMEOUT", false, false, 16, -99],
    ["REGISTER_TIMEOUT", true, false, 16 | 4, 1],
    ["WRONG_CREDENTIALS", false, true, 16, -1],
    ["REGISTRAR_ERROR", false, false, 16, -99],
    ["INTERNAL_ERROR", false, true, 16, -1],
    ["DISABLED", false, false, 16 | 1, -3],
    ["DISABLED", true, false, 16 | 1, -3],
  ];
  for (const [state, bound, givenUp, flags, status] of rows) {
    const f = facts(state, { bound, givenUp });
    assert.equal(kamailioFlags(f), flags, `flags of ${state} bound=${bound}`);
    assert.equal(regStatus(f), status, `status of ${state} bound=${bound} givenUp=${givenUp}`);
  }
  assert.equal(kamailioFlags(facts("NOT_REGISTERED", { initialized: false })), 0);
});
