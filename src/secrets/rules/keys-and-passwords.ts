import { entropy } from '../mask.js';
import { secretRule } from '../secret-rule.js';

export const privateKey = secretRule({
  id: 'private-key',
  category: 'AsymmetricPrivateKey',
  title: 'Asymmetric private key',
  severity: 'HIGH',
  keywords: ['PRIVATE KEY'],
  pattern:
    /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----\s*(?<secret>[A-Za-z0-9+/=\s:,-]{64,}?)\s*-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/,
});

const PLACEHOLDER =
  /^(?:\$\{.*\}|\$\(.*\)|\$[A-Z_]+|<.*>|%[sd]|\{\{.*\}\}|x+|\*+|changeme|password|secret|example.*|test.*|dummy.*|placeholder.*|null|none|true|false|undefined)$/i;

/** `password = "…"`-style assignments whose value looks random (entropy) and is no placeholder. */
export const genericPassword = secretRule({
  id: 'generic-password',
  category: 'Generic',
  title: 'Hard-coded password or secret',
  severity: 'MEDIUM',
  keywords: [
    'password',
    'PASSWORD',
    'Password',
    'passwd',
    'PASSWD',
    'secret',
    'SECRET',
    'Secret',
    'api_key',
    'API_KEY',
    'apikey',
    'APIKEY',
  ],
  pattern:
    /(?<![A-Za-z0-9])(?:[a-z0-9_.-]*(?:password|passwd|secret|api_?key))["']?\s*(?::=|=|:)\s*["']?(?<secret>[^\s"'#;,)]{8,128})/i,
  accept: (secret) => !PLACEHOLDER.test(secret) && entropy(secret) >= 3.0,
});
