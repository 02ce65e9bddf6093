import { IdentityError } from './errors.js';

// Lower case only, so "Alice" and "alice" can never be two accounts; no ":" (it ends the user
// name in Basic credentials, RFC 7617) and no "$" (reserved for robot accounts).
const USER_NAME = /^(?<name>[a-z0-9](?:[a-z0-9._@-]{0,62}[a-z0-9])?)$/;
// One path component of the distribution-spec repository name grammar.
const PROJECT_NAME = /^(?<name>[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)$/;
const ROBOT_SHORT_NAME = /^(?<name>[a-z0-9]+(?:[._-][a-z0-9]+)*)$/;
const ROBOT_NAME = /^robot\$(?<project>[^+]+)\+(?<name>.+)$/;
// Harbor's system robots are `robot$<name>`: no "+", so never a project robot's name.
const SYSTEM_ROBOT_NAME = /^robot\$(?<name>[^+]+)$/;
// Tag characters of the distribution spec plus the glob wildcards * and ?.
const TAG_PATTERN = /^(?<pattern>[A-Za-z0-9_.*?-]{1,128})$/;

const MAX_PROJECT = 128;
const MIN_PASSWORD = 8;
const MAX_PASSWORD = 256;

/** Untrusted text made safe for a one-line message: bounded, control characters escaped. */
export function printable(value: string, max = 80): string {
  const short = value.length > max ? `${value.slice(0, max)}…` : value;
  let out = '';
  for (const char of short) {
    const code = char.charCodeAt(0);
    out += code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : char;
  }
  return out;
}

export function checkUserName(name: string, field = 'user name'): string {
  if (!USER_NAME.test(name)) {
    throw new IdentityError(
      'INVALID_REQUEST',
      `invalid ${field} "${printable(name)}": 1-64 lower-case letters, digits, ".", "_", "-" or "@", starting and ending with a letter or digit`,
    );
  }
  return name;
}

export function checkProjectName(name: string, field = 'project name'): string {
  if (name.length > MAX_PROJECT || !PROJECT_NAME.test(name)) {
    throw new IdentityError(
      'INVALID_REQUEST',
      `invalid ${field} "${printable(name)}": one repository path component ([a-z0-9] separated by ".", "_", "__" or "-"), at most ${MAX_PROJECT} characters`,
    );
  }
  return name;
}

export function checkRobotShortName(name: string): string {
  if (name.length > 64 || !ROBOT_SHORT_NAME.test(name)) {
    throw new IdentityError(
      'INVALID_REQUEST',
      `invalid robot name "${printable(name)}": 1-64 lower-case letters and digits separated by ".", "_" or "-"`,
    );
  }
  return name;
}

/** `robot$<project>+<name>`, the scheme Harbor uses, so robot accounts read the same everywhere. */
export function robotAccountName(project: string, name: string): string {
  return `robot$${project}+${name}`;
}

export function isRobotAccountName(name: string): boolean {
  return name.startsWith('robot$');
}

/** Splits a full robot account name; undefined when it is not one. */
export function parseRobotAccountName(name: string): { project: string; name: string } | undefined {
  const groups = ROBOT_NAME.exec(name)?.groups;
  const project = groups?.['project'];
  const short = groups?.['name'];
  if (project === undefined || short === undefined) return undefined;
  return { project, name: short };
}

/** `robot$<name>`, Harbor's name for a system robot account (short names never hold "+"). */
export function systemRobotAccountName(name: string): string {
  return `robot$${name}`;
}

/** The short name of a full system robot account name; undefined when it is not one. */
export function parseSystemRobotAccountName(name: string): string | undefined {
  return SYSTEM_ROBOT_NAME.exec(name)?.groups?.['name'];
}

function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function checkPassword(password: string, field = 'password'): string {
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
    throw new IdentityError(
      'INVALID_REQUEST',
      `${field} must be ${MIN_PASSWORD} to ${MAX_PASSWORD} characters long`,
    );
  }
  if (hasControlCharacter(password)) {
    throw new IdentityError('INVALID_REQUEST', `${field} must not contain control characters`);
  }
  return password;
}

export function checkTagPattern(pattern: string): string {
  if (!TAG_PATTERN.test(pattern)) {
    throw new IdentityError(
      'INVALID_REQUEST',
      `invalid tag pattern "${printable(pattern)}": 1-128 tag characters [A-Za-z0-9_.-] with the wildcards * (any run) and ? (one character)`,
    );
  }
  return pattern;
}

/** A tag glob as an anchored regular expression: `*` any run, `?` one character, the rest literal. */
export function tagPatternToRegExp(pattern: string): RegExp {
  let source = '';
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char === '.' ? '\\.' : char;
  }
  return new RegExp(`^${source}$`);
}

/** The project of a repository: its first path component. */
export function projectOf(repository: string): string {
  const slash = repository.indexOf('/');
  return slash < 0 ? repository : repository.slice(0, slash);
}
