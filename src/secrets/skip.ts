// Where secrets are not looked for: system data that ships with packages (docs, locales, headers,
// package-manager databases), dependency trees with test keys, and binary formats. The aim is the
// application's own files and configuration, where a leaked credential is actionable.
const SKIP_PREFIXES = [
  'usr/share/',
  'usr/include/',
  'usr/lib/',
  'usr/lib64/',
  'usr/libexec/',
  'lib/',
  'lib64/',
  'var/lib/dpkg/',
  'var/lib/apt/',
  'var/lib/rpm/',
  'var/cache/',
  'var/log/',
  'etc/ssl/certs/',
  'etc/pki/',
  'proc/',
  'sys/',
  'dev/',
];

const SKIP_SEGMENTS = [
  '/node_modules/',
  '/site-packages/',
  '/dist-packages/',
  '/vendor/',
  '/.git/',
  '/__pycache__/',
  '/test/',
  '/tests/',
  '/testdata/',
  '/spec/',
  '/example/',
  '/examples/',
  '/gems/',
  '/go/pkg/mod/',
];

const SKIP_EXTENSIONS = new Set([
  'png',
  'jpg',
  'jpeg',
  'gif',
  'ico',
  'svg',
  'webp',
  'bmp',
  'tiff',
  'woff',
  'woff2',
  'ttf',
  'otf',
  'eot',
  'pdf',
  'zip',
  'gz',
  'tgz',
  'xz',
  'bz2',
  'zst',
  'lz4',
  '7z',
  'rar',
  'jar',
  'war',
  'ear',
  'whl',
  'egg',
  'so',
  'a',
  'o',
  'dll',
  'exe',
  'pyc',
  'pyo',
  'class',
  'mo',
  'deb',
  'rpm',
  'apk',
  'db',
  'sqlite',
  'mp3',
  'mp4',
  'wav',
  'ogg',
  'md',
  'map',
  'lock',
  'sum',
]);

export const MAX_SECRET_FILE_BYTES = 1024 * 1024;

/** Whether a path is outside what the secret scanner reads (cheap: runs for every entry). */
export function skipForSecrets(path: string): boolean {
  for (const prefix of SKIP_PREFIXES) if (path.startsWith(prefix)) return true;
  const slashed = `/${path}`;
  for (const segment of SKIP_SEGMENTS) if (slashed.includes(segment)) return true;
  const dot = path.lastIndexOf('.');
  if (dot > path.lastIndexOf('/')) return SKIP_EXTENSIONS.has(path.slice(dot + 1).toLowerCase());
  return false;
}

/** A file that holds a NUL byte in its first 8 KiB is binary; secrets are looked for in text. */
export function looksBinary(content: Buffer): boolean {
  return content.subarray(0, 8192).includes(0);
}
