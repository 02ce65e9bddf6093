// The role matrix for system robots: the same 18 actions as role-matrix.test.ts, performed for
// real with tokens and with Basic, by system robots whose grants name "team" (the matrix's
// project), "other" (the private source of a mount) or `*`. Each may do exactly what its grants
// give on registry content, nothing of the admin API, and its catalog lists exactly the
// repositories of the projects it may pull from (all of them for `*`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, basic } from './testing/identity-server.js';
import {
  ACTIONS,
  DELETE,
  matrixActions,
  MOUNTS,
  PULL,
  PUSH,
  type Action,
} from '../testing/role-matrix-actions.js';
import { catalogMismatches, PUBLIC_PROJECT } from '../testing/role-matrix-catalog.js';
import {
  MODES,
  startMatrixServer,
  type MatrixServer,
  type Who,
} from '../testing/role-matrix-principals.js';

/**
 * The matrix helpers key callers by `Who`; here four of those keys stand for system robots.
 * "other/base" is the private mount source: pull there plus push on "team" makes that mount.
 */
const ROBOTS: readonly {
  readonly who: Who;
  readonly grants: readonly { project: string; actions: string[] }[];
  readonly expected: readonly Action[];
}[] = [
  { who: 'robot-pull', grants: [{ project: 'team', actions: ['pull'] }], expected: PULL },
  {
    who: 'robot-push',
    grants: [
      { project: 'team', actions: ['pull', 'push'] },
      { project: 'other', actions: ['pull'] },
    ],
    // Pull in team and other, plus pub (anonymous pull): every project of the matrix, so its
    // catalog is the whole one too.
    expected: [...PULL, ...PUSH, 'mount-from-private', 'catalog'],
  },
  {
    who: 'robot-all',
    grants: [{ project: '*', actions: ['pull', 'push', 'delete'] }],
    // Pull on `*` sees every project's repositories, so its catalog is the whole one.
    expected: [...PULL, ...PUSH, ...DELETE, 'mount-from-private', 'catalog'],
  },
  // Everything, but only in "other": nothing at all in "team".
  {
    who: 'outsider',
    grants: [{ project: 'other', actions: ['pull', 'push', 'delete'] }],
    expected: [],
  },
];

/** The projects a system robot may pull from: its pull grants (`*`: all), and "pub" (anonymous pull). */
function pulls(grants: (typeof ROBOTS)[number]['grants']): 'all' | readonly string[] {
  const pulled = grants.filter((grant) => grant.actions.includes('pull'));
  if (pulled.some((grant) => grant.project === '*')) return 'all';
  return [PUBLIC_PROJECT, ...pulled.map((grant) => grant.project)];
}

let server: MatrixServer;
let actions: ReturnType<typeof matrixActions>;

beforeAll(async () => {
  const base = await startMatrixServer();
  const credentials = new Map(base.credentials);
  for (const robot of ROBOTS) {
    const created = await api(base.env.url, 'POST', 'robots', base.admin, {
      name: `sys-${robot.who}`,
      grants: robot.grants,
    });
    expect(created.status).toBe(201);
    const body = created.body as { name: string; secret: string };
    credentials.set(robot.who, basic(body.name, body.secret));
  }
  server = { ...base, credentials };
  actions = matrixActions(server);
  for (const mode of MODES)
    for (const robot of ROBOTS) await actions.prepare(`${mode}-${robot.who}`);
}, 120_000);
afterAll(async () => {
  await server.env.close();
});

describe.each(MODES)('system robots in the role matrix, %s', (mode) => {
  it('each does exactly what its grants allow, and a refusal changes nothing', async () => {
    const actual: Record<string, Action[]> = {};
    const failures: string[] = [];
    for (const { who, grants } of ROBOTS) {
      const done: Action[] = [];
      for (const action of ACTIONS) {
        const outcome = await actions.perform(mode, who, action);
        const { status, effect } = outcome;
        const ok = MOUNTS.includes(action)
          ? status === 201
          : action === 'catalog'
            ? status === 200 && effect
            : status >= 200 && status < 300;
        if (ok) done.push(action);
        if (effect !== ok) failures.push(`${who} ${action}: ${status} but effect ${effect}`);
        if (action === 'catalog') {
          failures.push(...catalogMismatches(who, outcome, pulls(grants)));
          continue;
        }
        const refusals = MOUNTS.includes(action) ? [202, 401, 403, 404] : [401, 403, 404];
        if (!ok && !refusals.includes(status))
          failures.push(`${who} ${action}: answered ${status}`);
      }
      actual[who] = done.sort();
    }
    expect(actual).toEqual(
      Object.fromEntries(ROBOTS.map((robot) => [robot.who, [...robot.expected].sort()])),
    );
    expect(failures).toEqual([]);
  });
});
