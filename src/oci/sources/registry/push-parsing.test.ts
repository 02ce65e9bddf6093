import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../digest.js';
import { mergeScopes } from './auth.js';
import { bytesSource, rangeBody, SentDigest } from './blob-source.js';
import type { HttpResponse } from './http.js';
import { nextLink, referrersTag } from './referrers.js';
import { receivedBytes } from './upload-session.js';

function response(headers: Record<string, string | string[]>): HttpResponse {
  return {
    status: 202,
    headers,
    body: Readable.from([]) as unknown as HttpResponse['body'],
    url: new URL('http://registry.test/v2/a/blobs/uploads/1'),
  };
}

describe('referrersTag (distribution spec v1.1, referrers tag schema examples)', () => {
  it.each([
    ['sha256:' + 'a'.repeat(64), 'sha256-' + 'a'.repeat(64)],
    ['sha512:' + 'a'.repeat(128), 'sha512-' + 'a'.repeat(64)],
    [
      'test+algorithm+using+algorithm+separators+and+lots+of+characters+to+excercise+overall+truncation:alsoSome=InTheEncodedSectionToShowHyphenReplacementAndLotsAndLotsOfCharactersToExcerciseEncodedTruncation',
      'test-algorithm-using-algorithm-s-alsoSome-InTheEncodedSectionToShowHyphenReplacementAndLotsAndLot',
    ],
  ])('%s -> %s', (digest, tag) => {
    expect(referrersTag(digest)).toBe(tag);
  });
});

describe('mergeScopes', () => {
  it.each([
    [['repository:a:pull'], ['repository:a:pull']],
    [['repository:a:pull,push', 'repository:a:pull'], ['repository:a:pull,push']],
    [['repository:a:pull', 'repository:a:push'], ['repository:a:pull,push']],
    [
      ['repository:a:pull,push', 'repository:b:pull', 'repository:b:pull'],
      ['repository:a:pull,push', 'repository:b:pull'],
    ],
    [
      ['registry:catalog:*', 'repository:a:pull'],
      ['registry:catalog:*', 'repository:a:pull'],
    ],
  ])('%j -> %j', (input, merged) => {
    expect(mergeScopes(input)).toEqual(merged);
  });
});

describe('upload Range answers', () => {
  it.each([
    ['0-1048575', 0, 1048576],
    ['bytes=0-1048575', 0, 1048576],
    ['0-0', 0, 0],
    ['0-0', 1, 1],
    ['5-10', 0, undefined],
    ['garbage', 0, undefined],
    ['', 0, undefined],
  ] as const)('Range %j (we believe %d) -> %j bytes held', (range, hint, held) => {
    expect(receivedBytes(response(range ? { range } : {}), hint)).toBe(held);
  });
});

describe('Link rel="next" (RFC 8288)', () => {
  it.each([
    ['</v2/a/referrers/sha256:x?n=2&last=y>; rel="next"', '/v2/a/referrers/sha256:x?n=2&last=y'],
    ['<https://r.test/page2>;rel=next', 'https://r.test/page2'],
    ['<https://r.test/prev>; rel="prev", <https://r.test/next>; rel="next"', 'https://r.test/next'],
    ['<https://r.test/first>; rel="first"', undefined],
  ])('%s', (link, next) => {
    expect(nextLink(response({ link }))).toBe(next);
  });
});

describe('SentDigest', () => {
  it('hashes resent bytes once, so a resumed upload still matches', () => {
    const data = Buffer.from('0123456789abcdef');
    const sent = new SentDigest(sha256(data));
    sent.update(data.subarray(0, 10), 0);
    // The registry kept only 6 bytes; bytes 6.. are sent again.
    sent.update(data.subarray(6, 16), 6);
    expect(sent.bytes).toBe(16);
    expect(sent.matches(16)).toBe(true);
  });

  it('notices bytes that differ from the digest taken first', () => {
    const sent = new SentDigest(sha256('original'));
    sent.update(Buffer.from('0riginal'), 0);
    expect(sent.matches(8)).toBe(false);
  });

  it('a bytes source sends the slice asked for', () => {
    const source = bytesSource(Buffer.from('hello world'), 'inline');
    const sent = new SentDigest(source.digest);
    expect(rangeBody(source, 6, 11, sent)).toEqual(Buffer.from('world'));
  });
});
