// Table tests for the small parsers at the edge: Authorization headers (RFC 7617, RFC 6750),
// token scopes (distribution token spec), names and tag globs.
import { describe, expect, it } from 'vitest';
import { parseAuthorization } from './credentials.js';
import {
  checkProjectName,
  checkTagPattern,
  checkUserName,
  parseRobotAccountName,
  projectOf,
  tagPatternToRegExp,
} from './names.js';
import { bearerChallenge, parseScopes } from './scopes.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('parseAuthorization', () => {
  it.each([
    [undefined, { kind: 'none' }],
    ['', { kind: 'none' }],
    [`Basic ${b64('alice:s3cret')}`, { kind: 'basic', username: 'alice', password: 's3cret' }],
    [
      `basic ${b64('alice:pass:with:colons')}`,
      { kind: 'basic', username: 'alice', password: 'pass:with:colons' },
    ],
    [
      `Basic ${b64('robot$team+ci:lyr_x')}`,
      { kind: 'basic', username: 'robot$team+ci', password: 'lyr_x' },
    ],
    [`Basic ${b64('zoë:pässword')}`, { kind: 'basic', username: 'zoë', password: 'pässword' }],
    [`Basic ${b64('alice:')}`, { kind: 'basic', username: 'alice', password: '' }],
    ['Bearer aaa.bbb.ccc', { kind: 'bearer', token: 'aaa.bbb.ccc' }],
  ])('%s', (header, expected) => {
    expect(parseAuthorization(header)).toEqual(expected);
  });

  it.each([
    [
      `Basic ${b64(':nouser')}`,
      'malformed Basic credentials (no "user:password") in the Authorization header',
    ],
    ['Basic a$b', 'malformed Basic credentials (not base64) in the Authorization header'],
    ['Bearer aaa.bbb', 'malformed bearer token: not a compact JWT'],
    ['Bearer aaa.bbb.', 'malformed bearer token: not a compact JWT'],
    ['Negotiate abc', 'unsupported authorization scheme "Negotiate": use Basic or Bearer'],
    [
      ['Basic a', 'Basic b'],
      'malformed credentials (several Authorization headers) in the Authorization header',
    ],
  ])('refuses %s', (header, message) => {
    expect(() => parseAuthorization(header)).toThrow(message);
  });

  it('never puts the credentials into the error', () => {
    for (const header of [
      `Basic ${b64('nocolon-secret-value')}`,
      'Bearer secret.value',
      'Custom secret-value',
    ]) {
      let message = '';
      try {
        parseAuthorization(header);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain('secret');
    }
  });
});

describe('parseScopes', () => {
  it.each([
    [['repository:team/app:pull'], [{ type: 'repository', name: 'team/app', actions: ['pull'] }]],
    [
      ['repository:team/app:pull,push'],
      [{ type: 'repository', name: 'team/app', actions: ['pull', 'push'] }],
    ],
    [['repository:team/app:*'], [{ type: 'repository', name: 'team/app', actions: ['*'] }]],
    [['registry:catalog:*'], [{ type: 'registry', name: 'catalog', actions: ['*'] }]],
    [['repository(plugin):a/b:pull'], [{ type: 'repository', name: 'a/b', actions: ['pull'] }]],
    // A name with a host:port prefix keeps its colon; the actions follow the last one.
    [
      ['repository:localhost:5000/a/b:pull'],
      [{ type: 'repository', name: 'localhost:5000/a/b', actions: ['pull'] }],
    ],
    [
      ['repository:a/b:pull repository:c/d:push', 'registry:catalog:*'],
      [
        { type: 'repository', name: 'a/b', actions: ['pull'] },
        { type: 'repository', name: 'c/d', actions: ['push'] },
        { type: 'registry', name: 'catalog', actions: ['*'] },
      ],
    ],
    [['repository:a/b:pull,pull,'], [{ type: 'repository', name: 'a/b', actions: ['pull'] }]],
    [[], []],
  ])('%j', (values, expected) => {
    expect(parseScopes(values)).toEqual(expected);
  });

  it.each([
    ['repository:a/b'],
    ['Repository:a/b:pull'],
    ['repository::pull'],
    ['repository:a/b:PULL'],
    [`repository:${'a'.repeat(600)}:pull`],
  ])('refuses %s', (scope) => {
    expect(() => parseScopes([scope])).toThrow(/^invalid scope/);
  });

  it('bounds the number of scopes', () => {
    expect(() =>
      parseScopes(Array.from({ length: 33 }, (_, index) => `repository:r${index}:pull`)),
    ).toThrow('too many scopes: 33 (at most 32)');
  });

  it('writes challenges as the spec shows them, quoting what needs quoting', () => {
    expect(
      bearerChallenge({
        realm: 'https://auth.example/token',
        service: 'registry.example',
        scopes: [{ type: 'repository', name: 'samalba/my-app', actions: ['pull', 'push'] }],
      }),
    ).toBe(
      'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:samalba/my-app:pull,push"',
    );
    // Several scopes share one parameter, space-separated (Distribution's mount challenge).
    expect(
      bearerChallenge({
        realm: 'https://auth.example/token',
        service: 'registry.example',
        scopes: [
          { type: 'repository', name: 'team/app', actions: ['pull', 'push'] },
          { type: 'repository', name: 'a"b\\c', actions: ['pull'] },
        ],
        error: 'insufficient_scope',
      }),
    ).toBe(
      'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:team/app:pull,push repository:a\\"b\\\\c:pull",error="insufficient_scope"',
    );
    expect(bearerChallenge({ realm: 'r', service: 's', scopes: [] })).toBe(
      'Bearer realm="r",service="s"',
    );
    expect(bearerChallenge({ realm: 'http://a/"x"\\', service: 's', error: 'invalid_token' })).toBe(
      'Bearer realm="http://a/\\"x\\"\\\\",service="s",error="invalid_token"',
    );
  });
});

describe('names', () => {
  it.each(['alice', 'a', 'ci.bot', 'first_last', 'x-1', 'user@example.com', '0'])(
    'accepts user name %s',
    (name) => {
      expect(checkUserName(name)).toBe(name);
    },
  );
  it.each(['Alice', '', '-x', 'x-', 'a:b', 'robot$team+ci', 'a b', 'ü', 'a'.repeat(65)])(
    'refuses user name %j',
    (name) => {
      expect(() => checkUserName(name)).toThrow(/^invalid user name/);
    },
  );
  it.each(['team', 'my-team', 'a.b', 'a__b', 'a---b', '0'])('accepts project name %s', (name) => {
    expect(checkProjectName(name)).toBe(name);
  });
  it.each(['Team', 'a/b', '..', '.a', 'a_', 'a___b', '', 'a'.repeat(129)])(
    'refuses project name %j',
    (name) => {
      expect(() => checkProjectName(name)).toThrow(/^invalid project name/);
    },
  );
  it('projects are the first path component', () => {
    expect(['team/app', 'team/sub/app', 'single'].map(projectOf)).toEqual([
      'team',
      'team',
      'single',
    ]);
  });
  it('splits robot account names', () => {
    expect(parseRobotAccountName('robot$team+ci')).toEqual({ project: 'team', name: 'ci' });
    expect(parseRobotAccountName('robot$team')).toBeUndefined();
    expect(parseRobotAccountName('team+ci')).toBeUndefined();
  });
});

describe('tag patterns', () => {
  it.each([
    ['v*', 'v1', true],
    ['v*', 'v1.2.3', true],
    ['v*', 'latest', false],
    ['v*', 'xv1', false],
    ['release-?', 'release-1', true],
    ['release-?', 'release-10', false],
    ['1.0', '1.0', true],
    // A dot is literal, not "any character".
    ['1.0', '1x0', false],
    ['*', 'anything', true],
    ['*-stable', 'v2-stable', true],
    ['*-stable', 'v2-stable-rc', false],
  ])('%s matches %s: %s', (pattern, tag, expected) => {
    expect(tagPatternToRegExp(checkTagPattern(pattern)).test(tag)).toBe(expected);
  });
  it.each(['', 'v1/..', 'a b', '[abc]', 'x'.repeat(129)])('refuses pattern %j', (pattern) => {
    expect(() => checkTagPattern(pattern)).toThrow(/^invalid tag pattern/);
  });
});
