/**
 * Debian release code names -> version numbers, as OSV spells Debian ecosystems (`Debian:12`).
 * The tracker keys releases by code name; a name not listed here (a release newer than this
 * table) is kept as `Debian:<codename>` with a warning, so nothing is lost.
 */
const RELEASES: ReadonlyMap<string, string> = new Map([
  ['buzz', '1.1'],
  ['rex', '1.2'],
  ['bo', '1.3'],
  ['hamm', '2.0'],
  ['slink', '2.1'],
  ['potato', '2.2'],
  ['woody', '3.0'],
  ['sarge', '3.1'],
  ['etch', '4'],
  ['lenny', '5'],
  ['squeeze', '6'],
  ['wheezy', '7'],
  ['jessie', '8'],
  ['stretch', '9'],
  ['buster', '10'],
  ['bullseye', '11'],
  ['bookworm', '12'],
  ['trixie', '13'],
  ['forky', '14'],
  ['duke', '15'],
]);

/** `bookworm` -> `Debian:12`; `sid` (unstable, no number) -> `Debian:sid`. */
export function debianEcosystem(codename: string): { ecosystem: string; known: boolean } {
  const version = RELEASES.get(codename);
  if (version !== undefined) return { ecosystem: `Debian:${version}`, known: true };
  return { ecosystem: `Debian:${codename}`, known: codename === 'sid' };
}
