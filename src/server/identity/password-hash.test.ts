import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password-hash.js';

/** The reference: Python's hashlib.scrypt (OpenSSL's EVP_PBE_scrypt), on the same salt and parameters. */
function pythonScrypt(
  password: string,
  salt: Buffer,
  ln: number,
  r: number,
  p: number,
  length: number,
): Buffer {
  const script =
    'import hashlib,sys,base64;a=sys.argv;print(base64.b64encode(hashlib.scrypt(a[1].encode(),salt=base64.b64decode(a[2]),n=2**int(a[3]),r=int(a[4]),p=int(a[5]),maxmem=2**28,dklen=int(a[6]))).decode())';
  const out = execFileSync(
    'python3',
    [
      '-c',
      script,
      password,
      salt.toString('base64'),
      String(ln),
      String(r),
      String(p),
      String(length),
    ],
    { encoding: 'utf8' },
  );
  return Buffer.from(out.trim(), 'base64');
}

const PHC =
  /^\$scrypt\$ln=(?<ln>\d+),r=(?<r>\d+),p=(?<p>\d+)\$(?<salt>[A-Za-z0-9+/]+)\$(?<hash>[A-Za-z0-9+/]+)$/;

describe('password hashing (scrypt)', () => {
  it('writes a PHC string with OWASP parameters whose key matches Python hashlib.scrypt', async () => {
    const encoded = await hashPassword('correct horse battery staple');
    const groups = PHC.exec(encoded)?.groups;
    expect(groups).toMatchObject({ ln: '15', r: '8', p: '3' });
    const salt = Buffer.from(groups?.['salt'] ?? '', 'base64');
    const key = Buffer.from(groups?.['hash'] ?? '', 'base64');
    expect(salt).toHaveLength(16);
    expect(key).toHaveLength(32);
    expect(pythonScrypt('correct horse battery staple', salt, 15, 8, 3, 32)).toEqual(key);
  });

  it('salts every hash, verifies the right password and refuses others', async () => {
    const [first, second] = await Promise.all([
      hashPassword('pässwörd-1'),
      hashPassword('pässwörd-1'),
    ]);
    expect(first).not.toBe(second);
    expect(await verifyPassword('pässwörd-1', first)).toBe(true);
    expect(await verifyPassword('pässwörd-2', first)).toBe(false);
    expect(await verifyPassword('', first)).toBe(false);
  });

  it('verifies hashes made with other parameters (they are read from the string), as Python makes them', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const key = pythonScrypt('legacy-password', salt, 14, 8, 1, 32);
    const encoded = `$scrypt$ln=14,r=8,p=1$${salt.toString('base64').replace(/=+$/, '')}$${key.toString('base64').replace(/=+$/, '')}`;
    expect(await verifyPassword('legacy-password', encoded)).toBe(true);
    expect(await verifyPassword('other-password', encoded)).toBe(false);
  });

  it('never matches a malformed or hostile stored hash', async () => {
    for (const stored of [
      '',
      'plain-text',
      '$scrypt$ln=40,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
      '$scrypt$ln=15,r=8,p=3$$',
      '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
    ]) {
      expect(await verifyPassword('anything', stored)).toBe(false);
    }
  });
});
