export function run(_argv: readonly string[]): Promise<number> {
  return Promise.resolve(0);
}
