import { describe, expect, it } from 'vitest';
import type { IdentityStore, NewRobot, NewSystemRobot, NewUser } from '../identity-store.js';

function user(name: string, admin = false): NewUser {
  return { name, passwordHash: `$scrypt$ln=15,r=8,p=3$c2FsdA$${name}`, admin, createdAt: 1000 };
}

function robot(name: string, project: string, extra: Partial<NewRobot> = {}): NewRobot {
  return {
    name,
    project,
    description: '',
    actions: ['pull'],
    secretHash: 'ab'.repeat(32),
    createdAt: 2000,
    createdBy: 'admin',
    expiresAt: undefined,
    ...extra,
  };
}

function systemRobot(name: string, extra: Partial<NewSystemRobot> = {}): NewSystemRobot {
  return {
    name,
    description: '',
    grants: [{ project: 'team', actions: ['pull'] }],
    secretHash: 'cd'.repeat(32),
    createdAt: 2000,
    createdBy: 'admin',
    expiresAt: undefined,
    ...extra,
  };
}

const project = (name: string, anonymousPull = false) => ({
  name,
  anonymousPull,
  createdAt: 1500,
  createdBy: 'admin',
});

/**
 * The contract every IdentityStore passes: users with credential versions and a protected last
 * admin, projects, memberships, robots and tag rules, with the cascades the service relies on.
 * `makeStore` returns a fresh, empty store for each case.
 */
export function runIdentityStoreContract(
  name: string,
  makeStore: () => Promise<IdentityStore> | IdentityStore,
): void {
  describe(`identity store contract: ${name}`, () => {
    it('creates users once, reads them back, and lists them by name', async () => {
      const store = await makeStore();
      const created = await store.createUser(user('bob'));
      expect(created).toEqual({
        ok: true,
        record: { ...user('bob'), credentialVersion: 1, updatedAt: 1000 },
      });
      expect(await store.createUser(user('bob', true))).toEqual({ ok: false, reason: 'exists' });
      await store.createUser(user('alice', true));
      expect((await store.listUsers()).map((u) => [u.name, u.admin])).toEqual([
        ['alice', true],
        ['bob', false],
      ]);
      expect(await store.getUser('carol')).toBeUndefined();
      store.close();
    });

    it('bumps the credential version on every password change', async () => {
      const store = await makeStore();
      await store.createUser(user('bob'));
      const changed = await store.setPassword('bob', 'new-hash', 5000);
      expect(changed).toMatchObject({
        passwordHash: 'new-hash',
        credentialVersion: 2,
        updatedAt: 5000,
      });
      expect((await store.setPassword('bob', 'newer', 6000))?.credentialVersion).toBe(3);
      expect(await store.setPassword('nobody', 'x', 1)).toBeUndefined();
      store.close();
    });

    it('never removes or demotes the last admin', async () => {
      const store = await makeStore();
      await store.createUser(user('root', true));
      expect(await store.removeUser('root')).toBe('last-admin');
      expect(await store.setAdmin('root', false, 1)).toBe('last-admin');
      await store.createUser(user('second'));
      expect(await store.setAdmin('second', true, 2)).toMatchObject({
        name: 'second',
        admin: true,
      });
      expect(await store.removeUser('root')).toBe('removed');
      expect(await store.removeUser('root')).toBe('not-found');
      expect(await store.setAdmin('second', false, 3)).toBe('last-admin');
      expect(await store.setAdmin('ghost', true, 3)).toBe('not-found');
      store.close();
    });

    it('keeps projects unique and toggles anonymous pull', async () => {
      const store = await makeStore();
      expect(await store.createProject(project('team'))).toEqual({
        ok: true,
        record: project('team'),
      });
      expect(await store.createProject(project('team', true))).toEqual({
        ok: false,
        reason: 'exists',
      });
      expect((await store.setAnonymousPull('team', true))?.anonymousPull).toBe(true);
      expect(await store.setAnonymousPull('nope', true)).toBeUndefined();
      await store.createProject(project('alpha'));
      expect((await store.listProjects()).map((p) => p.name)).toEqual(['alpha', 'team']);
      store.close();
    });

    it('adds, changes and removes members; unknown project or user is reported', async () => {
      const store = await makeStore();
      await store.createUser(user('bob'));
      await store.createProject(project('team'));
      await store.createProject(project('other'));
      expect(await store.setMember('team', 'bob', 'developer', 10)).toEqual({
        ok: true,
        record: { project: 'team', user: 'bob', role: 'developer', createdAt: 10 },
      });
      expect((await store.setMember('team', 'bob', 'maintainer', 11)).ok).toBe(true);
      expect((await store.getMember('team', 'bob'))?.role).toBe('maintainer');
      await store.setMember('other', 'bob', 'guest', 12);
      expect((await store.listMemberships('bob')).map((m) => [m.project, m.role])).toEqual([
        ['other', 'guest'],
        ['team', 'maintainer'],
      ]);
      expect(await store.setMember('missing', 'bob', 'guest', 1)).toEqual({
        ok: false,
        reason: 'project-unknown',
      });
      expect(await store.setMember('team', 'ghost', 'guest', 1)).toEqual({
        ok: false,
        reason: 'user-unknown',
      });
      expect(await store.removeMember('team', 'bob')).toBe(true);
      expect(await store.removeMember('team', 'bob')).toBe(false);
      expect(await store.listMembers('team')).toEqual([]);
      store.close();
    });

    it('removing a user removes their memberships', async () => {
      const store = await makeStore();
      await store.createUser(user('admin', true));
      await store.createUser(user('bob'));
      await store.createProject(project('team'));
      await store.setMember('team', 'bob', 'guest', 1);
      expect(await store.removeUser('bob')).toBe('removed');
      expect(await store.listMembers('team')).toEqual([]);
      // A new user of the same name does not inherit the old memberships.
      await store.createUser(user('bob'));
      expect(await store.getMember('team', 'bob')).toBeUndefined();
      store.close();
    });

    it('creates robots in existing projects only, revokes them once, and keeps the record', async () => {
      const store = await makeStore();
      await store.createProject(project('team'));
      const ci = robot('robot$team+ci', 'team', {
        actions: ['pull', 'push'],
        expiresAt: 9000,
        description: 'CI',
      });
      expect(await store.createRobot(ci)).toEqual({
        ok: true,
        record: { ...ci, revokedAt: undefined },
      });
      expect(await store.createRobot(ci)).toEqual({ ok: false, reason: 'exists' });
      expect(await store.createRobot(robot('robot$none+ci', 'none'))).toEqual({
        ok: false,
        reason: 'project-unknown',
      });
      expect((await store.revokeRobot('robot$team+ci', 3000))?.revokedAt).toBe(3000);
      // Revoking twice keeps the first time.
      expect((await store.revokeRobot('robot$team+ci', 4000))?.revokedAt).toBe(3000);
      expect(await store.revokeRobot('robot$team+nobody', 1)).toBeUndefined();
      expect((await store.listRobots('team')).map((r) => [r.name, r.actions, r.revokedAt])).toEqual(
        [['robot$team+ci', ['pull', 'push'], 3000]],
      );
      store.close();
    });

    it('creates system robots with grants in several projects, all or nothing', async () => {
      const store = await makeStore();
      await store.createProject(project('team'));
      await store.createProject(project('other'));
      const ops = systemRobot('robot$ops', {
        grants: [
          { project: 'team', actions: ['pull', 'push'] },
          { project: 'other', actions: ['pull'] },
        ],
        expiresAt: 9000,
        description: 'deploys',
      });
      const created = await store.createSystemRobot(ops);
      // Grants come back sorted by project.
      expect(created).toEqual({
        ok: true,
        record: {
          ...ops,
          grants: [
            { project: 'other', actions: ['pull'] },
            { project: 'team', actions: ['pull', 'push'] },
          ],
          revokedAt: undefined,
        },
      });
      expect(await store.createSystemRobot(ops)).toEqual({ ok: false, reason: 'exists' });
      // One unknown project refuses the whole robot: nothing is left behind.
      const ghost = systemRobot('robot$ghost', {
        grants: [
          { project: 'team', actions: ['pull'] },
          { project: 'nowhere', actions: ['pull'] },
        ],
      });
      expect(await store.createSystemRobot(ghost)).toEqual({
        ok: false,
        reason: 'project-unknown',
      });
      expect(await store.getSystemRobot('robot$ghost')).toBeUndefined();
      const all = systemRobot('robot$scanner', {
        grants: [
          { project: '*', actions: ['pull'] },
          { project: 'team', actions: ['push'] },
        ],
      });
      expect((await store.createSystemRobot(all)).ok).toBe(true);
      expect((await store.getSystemRobot('robot$scanner'))?.grants).toEqual([
        { project: '*', actions: ['pull'] },
        { project: 'team', actions: ['push'] },
      ]);
      expect((await store.revokeSystemRobot('robot$ops', 3000))?.revokedAt).toBe(3000);
      expect((await store.revokeSystemRobot('robot$ops', 4000))?.revokedAt).toBe(3000);
      expect(await store.revokeSystemRobot('robot$nobody', 1)).toBeUndefined();
      expect((await store.listSystemRobots()).map((r) => [r.name, r.revokedAt])).toEqual([
        ['robot$ops', 3000],
        ['robot$scanner', undefined],
      ]);
      // Project robots and system robots are separate: neither list holds the other.
      expect(await store.listRobots('team')).toEqual([]);
      expect(await store.getRobot('robot$ops')).toBeUndefined();
      store.close();
    });

    it('removing a project drops system robot grants to it, not the robot', async () => {
      const store = await makeStore();
      await store.createProject(project('team'));
      await store.createProject(project('other'));
      await store.createSystemRobot(
        systemRobot('robot$ops', {
          grants: [
            { project: '*', actions: ['pull'] },
            { project: 'team', actions: ['push'] },
            { project: 'other', actions: ['pull'] },
          ],
        }),
      );
      expect(await store.removeProject('team')).toBe(true);
      await store.createProject(project('team'));
      // A new project of the same name inherits nothing; the `*` grant still covers it.
      expect((await store.getSystemRobot('robot$ops'))?.grants).toEqual([
        { project: '*', actions: ['pull'] },
        { project: 'other', actions: ['pull'] },
      ]);
      store.close();
    });

    it('keeps tag rules per project, unique by pattern, removable by id within their project', async () => {
      const store = await makeStore();
      await store.createProject(project('team'));
      await store.createProject(project('other'));
      const added = await store.addTagRule({
        project: 'team',
        pattern: 'v*',
        createdAt: 1,
        createdBy: 'admin',
      });
      if (!added.ok) throw new Error('rule not added');
      expect(added.record).toMatchObject({ project: 'team', pattern: 'v*' });
      expect(
        await store.addTagRule({
          project: 'team',
          pattern: 'v*',
          createdAt: 2,
          createdBy: 'admin',
        }),
      ).toEqual({ ok: false, reason: 'exists' });
      expect(
        (
          await store.addTagRule({
            project: 'other',
            pattern: 'v*',
            createdAt: 2,
            createdBy: 'admin',
          })
        ).ok,
      ).toBe(true);
      expect(
        await store.addTagRule({ project: 'gone', pattern: 'x', createdAt: 2, createdBy: 'admin' }),
      ).toEqual({ ok: false, reason: 'project-unknown' });
      expect(await store.removeTagRule('other', added.record.id)).toBe(false);
      expect(await store.removeTagRule('team', added.record.id)).toBe(true);
      expect(await store.listTagRules('team')).toEqual([]);
      expect((await store.listTagRules('other')).map((r) => r.pattern)).toEqual(['v*']);
      store.close();
    });

    it('removing a project removes its members, robots and rules', async () => {
      const store = await makeStore();
      await store.createUser(user('bob'));
      await store.createProject(project('team'));
      await store.setMember('team', 'bob', 'developer', 1);
      await store.createRobot(robot('robot$team+ci', 'team'));
      await store.addTagRule({
        project: 'team',
        pattern: 'release-*',
        createdAt: 1,
        createdBy: 'admin',
      });
      expect(await store.removeProject('team')).toBe(true);
      expect(await store.removeProject('team')).toBe(false);
      await store.createProject(project('team'));
      expect(await store.listMembers('team')).toEqual([]);
      expect(await store.getRobot('robot$team+ci')).toBeUndefined();
      expect(await store.listTagRules('team')).toEqual([]);
      expect(await store.listMemberships('bob')).toEqual([]);
      store.close();
    });
  });
}
