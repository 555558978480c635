// The authorisation test generated from the route table (issue 17), walked in slices by
// server/authorisation-*.test.ts: every declared route, called by an anonymous caller, a write key, a revoked key, each role (as a member's session and as a role-scoped API
// key), the instance owner, the admin token, and another workspace's user and key, gets exactly the
// access its declaration promises. A new route is walked too, so it cannot escape. No secret (password,
// session token, key) appears in any response body or log line of the run.
import assert from 'node:assert/strict';
import pino from 'pino';
import { Writable } from 'node:stream';
import { basicAuth, startTestServer } from './server.js';
import { addUser, sessionHeaders, signIn, TEST_PASSWORD } from './users.js';
import { ROLES, roleAtLeast, type Role } from '../store/types.js';
import { createWorkspace } from '../workspaces/create.js';
import type { DeclaredRoute } from '../server/access.js';

const concrete = (r: DeclaredRoute) =>
  r.url.replace(/:[A-Za-z]+/g, 'p_unknown').replace(/\*/g, 'track');

interface Caller {
  name: string;
  headers: Record<string, string>;
  /** The workspace a session names (`?workspace=`). */
  workspace?: string;
}

interface Outcome {
  status: number;
  code?: string;
  field?: string;
}

/** Past the access check: whatever the route then says of its (made-up) input, it is not a refusal. */
const admitted = (o: Outcome) =>
  o.status < 500 &&
  o.status !== 401 &&
  o.status !== 403 &&
  !(o.status === 404 && o.field === 'workspace') &&
  o.code !== 'workspace_required';

/**
 * Walks the `shard`-th of `shards` slices of the route table (each authorisation-*.test.ts file walks
 * one, so that the walk fits a file's time on every engine).
 */
export async function walkRoutes(shard: number, shards: number): Promise<void> {
  const lines: string[] = [];
  const logger = pino(
    { level: 'trace' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  const s = await startTestServer({ logLevel: 'trace' }, { logger });
  const bodies: string[] = [];
  try {
    const ours = s.workspace.id;
    const other = await createWorkspace(s.store, {
      name: 'Other',
      currency: 'USD',
      timezone: 'UTC',
    });
    // users: the instance's owner, one member per role of our workspace, an instance-wide viewer, and
    // an admin of the other workspace only (an agency user of another client)
    await addUser(s.store, 'owner@example.com', 'owner');
    await addUser(s.store, 'iviewer@example.com', 'viewer');
    const memberRoles: Role[] = ['viewer', 'analyst', 'admin', 'owner'];
    for (const role of memberRoles)
      await addUser(s.store, `member-${role}@example.com`, role, ours);
    await addUser(s.store, 'outsider@example.com', 'admin', other.workspace.id);
    const sessions = new Map<string, Awaited<ReturnType<typeof signIn>>>();
    for (const email of [
      'owner@example.com',
      'iviewer@example.com',
      ...memberRoles.map((r) => `member-${r}@example.com`),
      'outsider@example.com',
    ])
      sessions.set(email, await signIn(s.base, email));
    const session = (email: string) => sessionHeaders(sessions.get(email)!);
    // role-scoped keys of our workspace, and one revoked
    const keys = new Map<Role, string>();
    const bearer = { authorization: `Bearer ${s.secretKey}` };
    for (const role of ROLES) {
      const res = await fetch(`${s.base}/api/keys`, {
        method: 'POST',
        headers: { ...bearer, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `${role} key`, role }),
      });
      assert.equal(res.status, 201);
      keys.set(role, ((await res.json()) as { secretKey: string }).secretKey);
    }
    const revoked = await fetch(`${s.base}/api/keys`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'gone', role: 'owner' }),
    });
    const gone = (await revoked.json()) as { key: { id: string }; secretKey: string };
    assert.equal(
      (await fetch(`${s.base}/api/keys/${gone.key.id}`, { method: 'DELETE', headers: bearer }))
        .status,
      200,
    );
    // a session that signed out
    const ended = await signIn(s.base, 'member-viewer@example.com');
    assert.equal(
      (
        await fetch(`${s.base}/api/auth/logout`, {
          method: 'POST',
          headers: sessionHeaders(ended),
        })
      ).status,
      204,
    );

    const call = async (r: DeclaredRoute, c: Caller): Promise<Outcome> => {
      const url = new URL(`${s.base}${concrete(r)}`);
      if (c.workspace) url.searchParams.set('workspace', c.workspace);
      const hasBody = !['GET', 'DELETE', 'OPTIONS'].includes(r.method);
      const res = await fetch(url, {
        method: r.method,
        headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...c.headers },
        ...(hasBody ? { body: JSON.stringify({ made: 'up' }) } : {}),
      });
      // a stream (the realtime report's SSE) is admitted once its headers come: no end to wait for
      if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
        await res.body?.cancel();
        return { status: res.status };
      }
      const text = await res.text();
      bodies.push(text);
      let error: { code?: string; field?: string } | undefined;
      try {
        error = (JSON.parse(text) as { error?: { code?: string; field?: string } }).error;
      } catch {
        error = undefined;
      }
      return {
        status: res.status,
        ...(error?.code ? { code: error.code } : {}),
        ...(error?.field ? { field: error.field } : {}),
      };
    };

    const refusedEverywhere: Caller[] = [
      { name: 'anonymous', headers: {} },
      { name: 'write key (Basic)', headers: { authorization: basicAuth(s.workspace.writeKey) } },
      {
        name: 'write key (Bearer)',
        headers: { authorization: `Bearer ${s.workspace.writeKey}` },
      },
      { name: 'revoked key', headers: { authorization: `Bearer ${gone.secretKey}` } },
      { name: 'signed-out session', headers: sessionHeaders(ended), workspace: ours },
      {
        name: 'made-up session',
        headers: { cookie: 'cl_session=ses_madeup', 'x-csrf-token': 'x' },
        workspace: ours,
      },
    ];
    // this slice of the routes (each file walks one; together, every route)
    const routes = s.app.declaredRoutes
      .filter((r) => r.method !== 'OPTIONS')
      .filter((_, i) => i % shards === shard);
    let checked = 0;
    for (const r of routes) {
      const what = `${r.method} ${r.url}`;
      const expect = async (c: Caller, ok: boolean, refusal?: number) => {
        const o = await call(r, c);
        checked++;
        if (ok) assert.ok(admitted(o), `${what} refused ${c.name}: ${JSON.stringify(o)}`);
        else {
          assert.ok(!admitted(o), `${what} admitted ${c.name}: ${JSON.stringify(o)}`);
          if (refusal !== undefined)
            assert.equal(o.status, refusal, `${what}, ${c.name}: ${JSON.stringify(o)}`);
        }
      };
      const a = r.access;
      if (a.who === 'secret') {
        const needed = a.role!;
        for (const c of refusedEverywhere) await expect(c, false, 401);
        await expect({ name: 'its secret key', headers: bearer }, true);
        await expect(
          {
            name: 'the admin token',
            headers: { authorization: `Bearer ${s.adminToken}`, 'x-closedloop-workspace': ours },
          },
          true,
        );
        await expect(
          { name: 'the instance owner', headers: session('owner@example.com'), workspace: ours },
          true,
        );
        await expect(
          {
            name: 'an instance-wide viewer',
            headers: session('iviewer@example.com'),
            workspace: ours,
          },
          needed === 'viewer',
          needed === 'viewer' ? undefined : 403,
        );
        for (const role of memberRoles)
          await expect(
            {
              name: `a ${role} member`,
              headers: session(`member-${role}@example.com`),
              workspace: ours,
            },
            roleAtLeast(role, needed),
            roleAtLeast(role, needed) ? undefined : 403,
          );
        for (const role of ROLES)
          await expect(
            { name: `a ${role} key`, headers: { authorization: `Bearer ${keys.get(role)!}` } },
            roleAtLeast(role, needed),
            roleAtLeast(role, needed) ? undefined : 403,
          );
        // another workspace's user sees ours as missing; in their own workspace their role counts
        const outsider = await call(r, {
          name: 'outsider',
          headers: session('outsider@example.com'),
          workspace: ours,
        });
        assert.deepEqual(
          [outsider.status, outsider.field],
          [404, 'workspace'],
          `${what}: outsider ${JSON.stringify(outsider)}`,
        );
        await expect(
          {
            name: 'outsider in their own workspace',
            headers: session('outsider@example.com'),
            workspace: other.workspace.id,
          },
          roleAtLeast('admin', needed),
        );
        await expect(
          {
            name: "the other workspace's key",
            headers: { authorization: `Bearer ${other.secretKey}` },
          },
          true,
        );
        // a session names its workspace, and writes with it carry the CSRF token
        const noWs = await call(r, {
          name: 'no workspace',
          headers: session('owner@example.com'),
        });
        assert.equal(noWs.code, 'workspace_required', `${what} without ?workspace=`);
        if (r.method !== 'GET') {
          const { cookie } = sessions.get('owner@example.com')!;
          const forged = await call(r, { name: 'no csrf', headers: { cookie }, workspace: ours });
          assert.deepEqual(
            [forged.status, forged.code],
            [403, 'csrf_failed'],
            `${what} without CSRF`,
          );
          const wrong = await call(r, {
            name: 'wrong csrf',
            headers: { cookie, 'x-csrf-token': 'x'.repeat(43) },
            workspace: ours,
          });
          assert.equal(wrong.code, 'csrf_failed', `${what} with a wrong CSRF token`);
        }
      } else if (a.who === 'instance') {
        for (const c of refusedEverywhere) await expect(c, false, 401);
        await expect({ name: 'a secret key', headers: bearer }, false, 401);
        await expect(
          { name: 'an owner key', headers: { authorization: `Bearer ${keys.get('owner')!}` } },
          false,
          401,
        );
        await expect(
          { name: 'the admin token', headers: { authorization: `Bearer ${s.adminToken}` } },
          true,
        );
        await expect(
          { name: 'the instance owner', headers: session('owner@example.com') },
          roleAtLeast('owner', a.role),
        );
        await expect(
          { name: 'an instance-wide viewer', headers: session('iviewer@example.com') },
          roleAtLeast('viewer', a.role),
          roleAtLeast('viewer', a.role) ? undefined : 403,
        );
        // a workspace's owner is no one at the instance's level
        for (const email of [
          'member-owner@example.com',
          'member-admin@example.com',
          'outsider@example.com',
        ])
          await expect({ name: email, headers: session(email) }, false, 403);
        if (r.method !== 'GET') {
          const { cookie } = sessions.get('owner@example.com')!;
          const forged = await call(r, { name: 'no csrf', headers: { cookie } });
          assert.equal(forged.code, 'csrf_failed', `${what} without CSRF`);
        }
      } else if (a.who === 'user') {
        for (const c of refusedEverywhere) await expect(c, false, 401);
        await expect({ name: 'a secret key', headers: bearer }, false, 401);
        await expect(
          { name: 'the admin token', headers: { authorization: `Bearer ${s.adminToken}` } },
          false,
          401,
        );
        // each signed-in user, on a session of its own (signing out ends it)
        for (const email of [
          'owner@example.com',
          'member-viewer@example.com',
          'outsider@example.com',
        ]) {
          const fresh = await signIn(s.base, email);
          if (r.method !== 'GET')
            await expect(
              { name: `${email} without CSRF`, headers: { cookie: fresh.cookie } },
              false,
              403,
            );
          await expect({ name: email, headers: sessionHeaders(fresh) }, true);
        }
      } else if (a.who === 'admin') {
        // the admin token only: no session, not even the instance owner's, no key
        await expect(
          { name: 'the instance owner', headers: session('owner@example.com') },
          false,
          401,
        );
        await expect(
          { name: 'an owner key', headers: { authorization: `Bearer ${keys.get('owner')!}` } },
          false,
          401,
        );
        await expect({ name: 'anonymous', headers: {} }, false, 401);
      }
      // anyone, write-key and signature routes take no session: access.test.ts holds them
    }
    assert.ok(checked > 400 / shards, `only ${checked} calls`);

    // no secret in any reply or log line (the CSRF token is the page's to read, by design)
    const secrets = [
      TEST_PASSWORD,
      s.secretKey,
      other.secretKey,
      s.adminToken,
      gone.secretKey,
      ...keys.values(),
      ...[...sessions.values()].map((x) => x.sessionToken),
      ended.sessionToken,
    ];
    assert.ok(lines.length > 100, `only ${lines.length} log lines`);
    for (const secret of secrets) {
      assert.ok(!bodies.some((b) => b.includes(secret)), 'a secret in a reply');
      assert.ok(!lines.some((l) => l.includes(secret)), 'a secret in a log line');
    }
  } finally {
    await s.close();
  }
}
