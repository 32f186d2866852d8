// Shared wiring for the router's Node tests: a fresh database, audit log, consent store and gate.
import { createAuditLog } from '../privacy/audit-log';
import { createConsentStore } from '../privacy/consent';
import { createEgressGate } from '../privacy/egress-gate';
import { openDatabase } from '../storage/db';
import type { Clock } from '../platform/clock';

let n = 0;

export function privacyStack() {
  const db = openDatabase(`router-test-${Date.now()}-${n++}`);
  const audit = createAuditLog({ db });
  const consent = createConsentStore({ db, audit });
  const gate = createEgressGate({ consent, audit });
  return { db, audit, consent, gate };
}

/** Real time, but every wait is recorded and shortened, so backoff schedules can be checked without waiting. */
export function recordingClock(scale = 0): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => Date.now(),
    setTimeout(fn, ms) {
      sleeps.push(ms);
      return setTimeout(fn, ms * scale);
    },
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
}
