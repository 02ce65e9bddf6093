import { describe, expect, it } from 'vitest';
import { runCli } from '../../testing/index.js';

describe('lockyard version', () => {
  it('compares two versions in a scheme', async () => {
    expect(await runCli(['version', 'compare', 'dpkg', '1.0~rc1', '1.0'])).toMatchObject({
      code: 0,
      stdout: '-1\n',
    });
    expect(await runCli(['version', 'compare', 'maven', '1.0', '1.0.0-ga'])).toMatchObject({
      code: 0,
      stdout: '0\n',
    });
    expect(await runCli(['version', 'compare', 'pep440', '1.0.post1', '1.0'])).toMatchObject({
      code: 0,
      stdout: '1\n',
    });
  });

  it('compares pairs from stdin, one result per line', async () => {
    const result = await runCli(['version', 'compare', 'rpm', '--stdin'], {
      input: '1.0 1.0-1\n\n2:1 3\n1.0^git1 1.0\n',
    });
    expect(result).toMatchObject({ code: 0, stdout: '-1\n1\n1\n' });
  });

  it('names the bad stdin line and exits 2', async () => {
    const result = await runCli(['version', 'compare', 'semver', '--stdin'], {
      input: '1.0.0 2.0.0\n1.0.0 not-a-version\n',
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('-1\n');
    expect(result.stderr).toBe(
      'lockyard: error: stdin line 2: "not-a-version" is not a valid semver version\n',
    );
    const fields = await runCli(['version', 'compare', 'semver', '--stdin'], { input: '1.0.0\n' });
    expect(fields.code).toBe(2);
    expect(fields.stderr).toMatch(/stdin line 1: expected two versions/);
  });

  it('prints true/false for a constraint with exit 0/1', async () => {
    expect(
      await runCli(['version', 'matches', 'semver', '4.17.20', '>= 0, < 4.17.21']),
    ).toMatchObject({ code: 0, stdout: 'true\n' });
    expect(
      await runCli(['version', 'matches', 'maven', '2.17.1', '[2.13.0,2.17.1)']),
    ).toMatchObject({ code: 1, stdout: 'false\n' });
    expect(await runCli(['version', 'matches', 'rubygems', '1.2.9', '~> 1.2.3'])).toMatchObject({
      code: 0,
      stdout: 'true\n',
    });
  });

  it('lists the schemes when one is unknown, in one line, exit 2', async () => {
    const result = await runCli(['version', 'compare', 'debian', '1', '2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'lockyard: error: unknown version scheme "debian"; known schemes: dpkg, rpm, apk, semver, pep440, maven, go, rubygems, nuget, composer\n',
    );
  });

  it('reports an invalid version or constraint as a one-line error', async () => {
    const bad = await runCli(['version', 'compare', 'go', 'v1.2', 'v01.2.3']);
    expect(bad).toMatchObject({
      code: 2,
      stderr: 'lockyard: error: "v01.2.3" is not a valid go version\n',
    });
    const constraint = await runCli(['version', 'matches', 'maven', '1.0', '[2.0,1.0]']);
    expect(constraint.code).toBe(2);
    expect(constraint.stderr).toMatch(
      /^lockyard: error: "\[2.0,1.0\]" is not a valid maven constraint: the range defies version ordering\n$/,
    );
  });

  it('lists schemes', async () => {
    const result = await runCli(['version', 'schemes']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(10);
    expect(result.stdout).toMatch(/^composer +Composer \(PHP\)/m);
  });
});
