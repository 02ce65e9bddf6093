/**
 * Splits a SOURCERPM file name (`glibc-2.17-222.el7.src.rpm`) into the source package's name
 * and `version-release`. rpm forbids `-` in version and release, so the last two dashes are the
 * separators and the name keeps any dashes of its own (`python-urllib3-1.26.5-3.el9.src.rpm`).
 */
export function parseSourceRpm(fileName: string): { name: string; version: string } | undefined {
  const suffix = fileName.endsWith('.src.rpm')
    ? '.src.rpm'
    : fileName.endsWith('.nosrc.rpm')
      ? '.nosrc.rpm'
      : undefined;
  if (!suffix) return undefined;
  const stem = fileName.slice(0, -suffix.length);
  const releaseDash = stem.lastIndexOf('-');
  if (releaseDash <= 0) return undefined;
  const versionDash = stem.lastIndexOf('-', releaseDash - 1);
  if (versionDash <= 0) return undefined;
  const name = stem.slice(0, versionDash);
  const version = stem.slice(versionDash + 1, releaseDash);
  const release = stem.slice(releaseDash + 1);
  if (version === '' || release === '') return undefined;
  return { name, version: `${version}-${release}` };
}
