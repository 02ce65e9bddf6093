/**
 * better-sqlite3 is synchronous; the stores' interfaces are asynchronous so that another backend
 * (a network database) can implement them. This turns an object of synchronous methods into the
 * same methods returning promises, a throw becoming a rejection (mapped by `toError`), as callers
 * of an async API expect.
 */

/** The synchronous form of an async interface `T`: the same methods, returning values directly. */
export type SyncApi<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Awaited<R> : never;
};

export function asyncApi<T>(
  api: SyncApi<T>,
  toError: (error: unknown, method: string) => Error = defaultError,
): T {
  const out: Record<string, unknown> = {};
  const methods = api as Record<string, (...args: unknown[]) => unknown>;
  for (const [name, method] of Object.entries(methods)) {
    out[name] = (...args: unknown[]) => {
      try {
        return Promise.resolve(method(...args));
      } catch (error) {
        return Promise.reject(toError(error, name));
      }
    };
  }
  return out as T;
}

function defaultError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
