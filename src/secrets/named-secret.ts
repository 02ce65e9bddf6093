const SECRET_NAME =
  /(?:PASS(?:WORD|WD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)$/i;
const PLACEHOLDER = /^(?:|\$\{?[A-Z_]+\}?|<.*>|changeme|none|null|false|true|\*+)$/i;

/** Whether a `KEY=value` pair's name says secret and its value is set (not a placeholder). */
export function namedSecret(pair: string): boolean {
  const equals = pair.indexOf('=');
  if (equals <= 0) return false;
  const name = pair.slice(0, equals);
  const value = pair.slice(equals + 1);
  return (
    SECRET_NAME.test(name) && !PLACEHOLDER.test(value) && !/_(?:FILE|PATH|DIR|URL)$/i.test(name)
  );
}
