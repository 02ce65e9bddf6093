import { afterEach, describe, expect, it } from 'vitest';
import { youngGarbageCollector } from './young-garbage.js';

describe('youngGarbageCollector', () => {
  const global = globalThis as { gc?: unknown };
  const original = global.gc;
  afterEach(() => {
    global.gc = original;
  });

  it('asks for a minor collection once per interval of bytes', () => {
    const calls: unknown[] = [];
    global.gc = (options: unknown) => calls.push(options);
    const collect = youngGarbageCollector(1000);
    collect(600);
    expect(calls).toEqual([]);
    collect(600);
    expect(calls).toEqual([{ type: 'minor' }]);
    collect(999);
    expect(calls).toHaveLength(1);
    collect(1);
    expect(calls).toHaveLength(2);
  });

  it('does nothing where the process does not expose gc', () => {
    global.gc = undefined;
    const collect = youngGarbageCollector(1);
    expect(() => {
      collect(10);
    }).not.toThrow();
  });
});
