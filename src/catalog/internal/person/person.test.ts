import { describe, expect, it } from 'vitest';
import { npmPerson, personText } from './person.js';

describe('npm author', () => {
  it.each([
    [
      'Barney Rubble <b@rubble.com> (http://barnyrubble.tumblr.com/)',
      'Barney Rubble <b@rubble.com>',
    ],
    ['Barney Rubble (http://barnyrubble.tumblr.com/)', 'Barney Rubble'],
    ['Barney Rubble', 'Barney Rubble'],
    ['<b@rubble.com>', '<b@rubble.com>'],
    [
      { name: 'Barney Rubble', email: 'b@rubble.com', url: 'http://x' },
      'Barney Rubble <b@rubble.com>',
    ],
    [{ name: 'Barney Rubble' }, 'Barney Rubble'],
    [{ name: 42 }, undefined],
    [['Barney'], undefined],
    ['', undefined],
    [true, undefined],
  ])('%j -> %s', (value, expected) => {
    expect(npmPerson(value)).toBe(expected);
  });
});

describe('personText', () => {
  it('keeps one name and one address whatever the pieces hold', () => {
    expect(personText('Eve <evil@x>\n Mallory', 'a@b>c')).toBe('Eve evil@x Mallory <a@b c>');
    expect(personText(' ', undefined)).toBeUndefined();
  });
});
