// `/v2/_catalog` for signed-in callers who are not system admins: exactly the repositories of
// the projects they may pull from, paginated over those alone (n=1 walking `Link` gives the same
// list, and no `Link` after the last visible name even when hidden ones follow), with tokens and
// with Basic; anonymous callers stay refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  api,
  basic,
  fetchToken,
  pushImage,
  randomImage,
  startIdentityServer,
  type IdentityTestServer,
} from './testing/identity-server.js';

let env: IdentityTestServer;
const admin = basic('admin', ADMIN_PASSWORD);
const member = basic('member', 'member-password');

// Sorted, hidden projects sit before, between and after the visible ones; "bravo" holds more
// repositories than one page so a page must skip several hidden names.
const REPOSITORIES = [
  'aaa/first',
  'alpha/one',
  'alpha/two/deep',
  'bravo/a',
  'bravo/b',
  'bravo/c',
  'charlie/x',
  'echo/public',
  'single',
  'zulu/last',
];
// "member" is a guest in alpha and charlie; echo allows anonymous pull; "single" is its own
// project, private.
const VISIBLE = ['alpha/one', 'alpha/two/deep', 'charlie/x', 'echo/public'];

async function ok(status: Promise<{ status: number }>): Promise<void> {
  expect((await status).status).toBeLessThan(300);
}

beforeAll(async () => {
  env = await startIdentityServer();
  for (const name of ['aaa', 'alpha', 'bravo', 'charlie', 'single', 'zulu'])
    await ok(api(env.url, 'POST', 'projects', admin, { name }));
  await ok(api(env.url, 'POST', 'projects', admin, { name: 'echo', anonymousPull: true }));
  await ok(api(env.url, 'POST', 'users', admin, { name: 'member', password: 'member-password' }));
  for (const project of ['alpha', 'charlie'])
    await ok(api(env.url, 'PUT', `projects/${project}/members/member`, admin, { role: 'guest' }));
  for (const repository of REPOSITORIES)
    expect(await pushImage(env.url, repository, 'v1', randomImage(), admin)).toBe(201);
}, 60_000);
afterAll(async () => {
  await env.close();
});

async function bearer(credentials: string | undefined): Promise<string> {
  const answer = await fetchToken(env.url, credentials, ['registry:catalog:*']);
  expect(answer.status).toBe(200);
  return `Bearer ${answer.token ?? ''}`;
}

interface CatalogPage {
  readonly repositories: string[];
  readonly link: string | null;
}

async function page(authorization: string, path: string): Promise<CatalogPage> {
  const response = await fetch(`${env.url}${path}`, { headers: { authorization } });
  expect(response.status, path).toBe(200);
  const body = (await response.json()) as { repositories: string[] };
  return { repositories: body.repositories, link: response.headers.get('link') };
}

/** Follows `Link: <…>; rel="next"` from `/v2/_catalog?n=N`; returns every page. */
async function walk(authorization: string, n: number): Promise<CatalogPage[]> {
  const pages: CatalogPage[] = [];
  let path: string | undefined = `/v2/_catalog?n=${n}`;
  while (path !== undefined) {
    const current = await page(authorization, path);
    pages.push(current);
    path = /^<(?<next>[^>]+)>; rel="next"$/.exec(current.link ?? '')?.groups?.['next'];
    expect(pages.length).toBeLessThanOrEqual(REPOSITORIES.length);
  }
  return pages;
}

describe.each(['bearer', 'basic'] as const)('filtered catalog, %s', (mode) => {
  const auth = async (credentials: string) =>
    mode === 'basic' ? credentials : bearer(credentials);

  it('lists exactly the repositories of the projects the caller may pull from', async () => {
    expect((await page(await auth(member), '/v2/_catalog')).repositories).toEqual(VISIBLE);
    expect((await page(await auth(admin), '/v2/_catalog')).repositories).toEqual(REPOSITORIES);
  });

  it('n=1 walking Link returns the same visible list, one name a page, no Link at the end', async () => {
    const pages = await walk(await auth(member), 1);
    expect(pages.map((each) => each.repositories)).toEqual(VISIBLE.map((name) => [name]));
    expect(pages.at(-1)?.link).toBeNull();
    expect(pages[0]?.link).toBe('</v2/_catalog?n=1&last=alpha%2Fone>; rel="next"');
  });

  it('n=2 and last= page over visible names only', async () => {
    const pages = await walk(await auth(member), 2);
    expect(pages.map((each) => each.repositories)).toEqual([VISIBLE.slice(0, 2), VISIBLE.slice(2)]);
    // A `last` that is hidden, or not a repository at all, still starts after it.
    const after = await page(await auth(member), '/v2/_catalog?n=5&last=bravo%2Fb');
    expect(after).toEqual({ repositories: ['charlie/x', 'echo/public'], link: null });
    expect((await page(await auth(member), '/v2/_catalog?n=0')).repositories).toEqual([]);
  });

  it('a robot of one project sees that project and the public one', async () => {
    const created = await api(env.url, 'POST', 'projects/bravo/robots', admin, {
      name: `reader-${mode}`,
      actions: ['pull'],
    });
    expect(created.status).toBe(201);
    const robot = created.body as { name: string; secret: string };
    const pages = await walk(await auth(basic(robot.name, robot.secret)), 1);
    expect(pages.flatMap((each) => each.repositories)).toEqual([
      'bravo/a',
      'bravo/b',
      'bravo/c',
      'echo/public',
    ]);
  });
});

describe('filtered catalog: who is refused, and changes counting at once', () => {
  it('anonymous callers get 401 with the catalog challenge, with or without a token', async () => {
    const plain = await fetch(`${env.url}/v2/_catalog`);
    expect(plain.status).toBe(401);
    expect(plain.headers.get('www-authenticate')).toBe(
      `Bearer realm="${env.url}/token",service="lockyard-registry",scope="registry:catalog:*"`,
    );
    const anonymousToken = await fetch(`${env.url}/v2/_catalog`, {
      headers: { authorization: await bearer(undefined) },
    });
    expect(anonymousToken.status).toBe(401);
    expect(anonymousToken.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('a membership removed after the token was issued is gone from the next answer', async () => {
    await ok(api(env.url, 'POST', 'users', admin, { name: 'leaver', password: 'leaver-password' }));
    await ok(api(env.url, 'PUT', 'projects/charlie/members/leaver', admin, { role: 'guest' }));
    const token = await bearer(basic('leaver', 'leaver-password'));
    expect((await page(token, '/v2/_catalog')).repositories).toEqual(['charlie/x', 'echo/public']);
    await ok(api(env.url, 'DELETE', 'projects/charlie/members/leaver', admin));
    expect((await page(token, '/v2/_catalog')).repositories).toEqual(['echo/public']);
  });
});
