// "Subscribed" means active everywhere: the hub answers a subscribe once every client applied the interest
// version that announced it (so its later publishes follow it). A client that never acknowledges (a dead
// thread, a hostile port) must not hold every subscribe of the origin hostage: it is waited for at most
// `timeoutMs` once, then not waited for until it catches up with the version it let time out.
export interface AckingClient {
  /** The newest interest version this client has applied. */
  ackedVersion: number;
  /** Not waited for while `ackedVersion` is below this (it let a waiter time out). */
  laggingUntil: number;
}

interface Waiter {
  version: number;
  done: () => void;
  timer: ReturnType<typeof setTimeout>;
}

export class InterestBarrier {
  private waiters: Waiter[] = [];
  /** Waiters released by the deadline instead of by acknowledgements. */
  timeouts = 0;

  constructor(
    private readonly clients: () => Iterable<AckingClient>,
    private readonly timeoutMs = 2000,
  ) {}

  /** Runs `done` once every client that counts applied `version`. */
  after(version: number, done: () => void): void {
    const waiter: Waiter = { version, done, timer: setTimeout(() => this.expire(waiter), this.timeoutMs) };
    this.waiters.push(waiter);
    this.release();
  }

  private counts(c: AckingClient): boolean {
    return c.ackedVersion >= c.laggingUntil;
  }

  private expire(w: Waiter): void {
    if (!this.waiters.includes(w)) return;
    this.timeouts++;
    for (const c of this.clients())
      if (this.counts(c) && c.ackedVersion < w.version) c.laggingUntil = Math.max(c.laggingUntil, w.version);
    this.finish(w);
  }

  private finish(w: Waiter): void {
    const i = this.waiters.indexOf(w);
    if (i < 0) return;
    this.waiters.splice(i, 1);
    clearTimeout(w.timer);
    w.done();
  }

  /** Call after an acknowledgement or a disconnect. */
  release(): void {
    if (this.waiters.length === 0) return;
    let oldest = Infinity;
    for (const c of this.clients()) if (this.counts(c)) oldest = Math.min(oldest, c.ackedVersion);
    for (const w of [...this.waiters]) if (w.version <= oldest) this.finish(w);
  }
}
