import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter.js';

describe('LoginLimiter', () => {
  it('blocks a source for the rest of its window after the limit, and only that source', () => {
    let now = 1_000_000;
    const limiter = new LoginLimiter({ maxFailures: 2, windowMs: 60_000 }, () => now);
    expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(0);
    limiter.recordFailure('10.0.0.1');
    expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(0);
    now += 10_000;
    limiter.recordFailure('10.0.0.1');
    expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(50);
    expect(limiter.retryAfterSeconds('10.0.0.2')).toBe(0);
    now += 49_500;
    expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(1);
    now += 500;
    expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(0);
    limiter.recordFailure('10.0.0.1');
    expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(0);
  });

  it('keeps memory bounded under failures from many sources', () => {
    const limiter = new LoginLimiter({ maxFailures: 1, windowMs: 60_000 }, () => 0);
    for (let index = 0; index < 10_001; index += 1) limiter.recordFailure(`source-${index}`);
    // The oldest window was dropped to make room; the newest is still counted.
    expect(limiter.retryAfterSeconds('source-0')).toBe(0);
    expect(limiter.retryAfterSeconds('source-10000')).toBe(60);
  });
});
