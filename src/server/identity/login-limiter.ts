/** How many failed logins a source may make in a window before it is refused for the rest of it. */
export interface LoginLimits {
  readonly maxFailures: number;
  readonly windowMs: number;
}

interface Window {
  startedAt: number;
  failures: number;
}

// Bounded memory under a spray from many addresses: the oldest windows are dropped first.
const MAX_SOURCES = 10_000;

/**
 * A fixed-window counter of failed logins per source address, in memory. A success does not
 * reset it (an attacker holding one valid account could otherwise keep guessing others), and a
 * blocked source is refused before any password work is done. One process only: replicas
 * behind a load balancer each count their own.
 */
export class LoginLimiter {
  readonly #limits: LoginLimits;
  readonly #windows = new Map<string, Window>();
  readonly #now: () => number;

  constructor(limits: LoginLimits, now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Seconds until `source` may try again, or 0 when it may try now. */
  retryAfterSeconds(source: string): number {
    const window = this.#current(source);
    if (!window || window.failures < this.#limits.maxFailures) return 0;
    return Math.max(1, Math.ceil((window.startedAt + this.#limits.windowMs - this.#now()) / 1000));
  }

  recordFailure(source: string): void {
    const window = this.#current(source);
    if (window) {
      window.failures += 1;
      return;
    }
    if (this.#windows.size >= MAX_SOURCES) {
      const oldest = this.#windows.keys().next().value;
      if (oldest !== undefined) this.#windows.delete(oldest);
    }
    this.#windows.set(source, { startedAt: this.#now(), failures: 1 });
  }

  #current(source: string): Window | undefined {
    const window = this.#windows.get(source);
    if (window && this.#now() - window.startedAt >= this.#limits.windowMs) {
      this.#windows.delete(source);
      return undefined;
    }
    return window;
  }
}
