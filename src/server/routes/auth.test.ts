import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../test-helpers/server.js';
import { addUser, sessionHeaders, signIn, TEST_PASSWORD } from '../../test-helpers/users.js';
import { createWorkspace } from '../../workspaces/create.js';

const login = (
  s: TestServer,
  email: string,
  password: string,
  headers: Record<string, string> = {},
) =>
  fetch(`${s.base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });

test('sign-in: an http-only SameSite=Lax cookie (Secure only over TLS from a trusted proxy), /me, sign-out', async () => {
  const s = await startTestServer({ trustProxy: ['127.0.0.1/32'] });
  try {
    const other = await createWorkspace(s.store, {
      name: 'Other',
      currency: 'EUR',
      timezone: 'UTC',
    });
    await addUser(s.store, 'Ann@Example.com', 'analyst', s.workspace.id);
    const res = await login(s, ' ann@example.COM ', TEST_PASSWORD);
    assert.equal(res.status, 200);
    const cookies = res.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('cl_session='))!;
    assert.match(session, /; HttpOnly/);
    assert.match(session, /; SameSite=Lax/);
    assert.match(session, /; Path=\//);
    assert.doesNotMatch(session, /Secure/);
    const csrf = cookies.find((c) => c.startsWith('cl_csrf='))!;
    assert.doesNotMatch(csrf, /HttpOnly/, 'the page reads the CSRF cookie');
    const body = (await res.json()) as {
      user: { email: string; role: null };
      workspaces: { id: string; role: string }[];
      csrfToken: string;
    };
    assert.equal(body.user.email, 'ann@example.com');
    assert.equal(body.user.role, null);
    assert.ok(!JSON.stringify(body).includes('scrypt'), 'no password hash in the reply');
    // an agency user sees their client's workspace only
    assert.deepEqual(body.workspaces, [{ id: s.workspace.id, name: 'Test', role: 'analyst' }]);
    assert.equal(csrf.split(';')[0], `cl_csrf=${body.csrfToken}`);
    // behind the trusted proxy, over TLS: Secure
    const tls = await login(s, 'ann@example.com', TEST_PASSWORD, { 'x-forwarded-proto': 'https' });
    assert.ok(tls.headers.getSetCookie().every((c) => c.includes('; Secure')));

    const ann = await signIn(s.base, 'ann@example.com');
    const me = await fetch(`${s.base}/api/auth/me`, { headers: { cookie: ann.cookie } });
    assert.equal(me.status, 200);
    const who = (await me.json()) as {
      user: { email: string };
      csrfToken: string;
      expiresAt: string;
    };
    assert.equal(who.user.email, 'ann@example.com');
    assert.equal(who.csrfToken, ann.csrfToken);
    assert.ok(Date.parse(who.expiresAt) > Date.now() + 11 * 3600_000);
    // the session reads its workspace with ?workspace=, and not the other one
    const read = (ws: string) =>
      fetch(`${s.base}/api/attribution/settings?workspace=${ws}`, {
        headers: { cookie: ann.cookie },
      });
    assert.equal((await read(s.workspace.id)).status, 200);
    assert.equal((await read(other.workspace.id)).status, 404);
    // an analyst may not change settings; a write without the CSRF header is refused before that
    const put = (headers: Record<string, string>) =>
      fetch(`${s.base}/api/attribution/settings?workspace=${s.workspace.id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      });
    assert.equal(
      ((await (await put({ cookie: ann.cookie })).json()) as { error: { code: string } }).error
        .code,
      'csrf_failed',
    );
    assert.equal((await put(sessionHeaders(ann))).status, 403);

    const out = await fetch(`${s.base}/api/auth/logout`, {
      method: 'POST',
      headers: sessionHeaders(ann),
    });
    assert.equal(out.status, 204);
    assert.ok(
      out.headers
        .getSetCookie()
        .some((c) => c.startsWith('cl_session=;') && c.includes('Max-Age=0')),
    );
    assert.equal(
      (await fetch(`${s.base}/api/auth/me`, { headers: { cookie: ann.cookie } })).status,
      401,
    );
    assert.equal((await read(s.workspace.id)).status, 401);
  } finally {
    await s.close();
  }
});

test('a wrong password and an unknown e-mail get the same reply; failures lock the e-mail, then the address', async () => {
  const s = await startTestServer();
  try {
    await addUser(s.store, 'bob@example.com', 'viewer');
    const wrong = await login(s, 'bob@example.com', 'not the password');
    const unknown = await login(s, 'nobody@example.com', 'not the password');
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.deepEqual(await wrong.json(), await unknown.json());
    // four more failures: bob's five are spent, and the right password is refused too
    for (let i = 0; i < 4; i++)
      assert.equal((await login(s, 'bob@example.com', 'wrong again')).status, 401);
    const locked = await login(s, 'bob@example.com', TEST_PASSWORD);
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers.get('retry-after')) > 800);
    for (let i = 0; i < 4; i++) await login(s, 'nobody@example.com', 'x');
    const lockedUnknown = await login(s, 'nobody@example.com', 'x');
    assert.equal(lockedUnknown.status, 429);
    assert.deepEqual(
      ((await locked.json()) as { error: unknown }).error,
      ((await lockedUnknown.json()) as { error: unknown }).error,
    );
    // the address: 20 failures in all lock every e-mail from it
    for (let i = 0; i < 10; i++) await login(s, `guess${i}@example.com`, 'x');
    await addUser(s.store, 'carol@example.com', 'viewer');
    assert.equal((await login(s, 'carol@example.com', TEST_PASSWORD)).status, 429);
    const audit = await s.store.listAudit({ limit: 100 });
    assert.ok(audit.filter((e) => e.action === 'login_failed').length >= 20);
    assert.ok(!JSON.stringify(audit).includes('not the password'));
  } finally {
    await s.close();
  }
});

test('password reset: a one-time token from the admin route sets a new password and ends the sessions', async () => {
  const s = await startTestServer();
  try {
    await addUser(s.store, 'dan@example.com', 'admin');
    const before = await signIn(s.base, 'dan@example.com');
    const admin = { authorization: `Bearer ${s.adminToken}`, 'content-type': 'application/json' };
    const made = await fetch(`${s.base}/api/users/reset-password`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ email: 'DAN@example.com' }),
    });
    assert.equal(made.status, 200);
    const { token } = (await made.json()) as { token: string };
    assert.match(token, /^rst_/);
    const reset = (password: string) =>
      fetch(`${s.base}/api/auth/reset-password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, password }),
      });
    const short = await reset('short');
    assert.equal(short.status, 400);
    assert.equal(((await short.json()) as { error: { field: string } }).error.field, 'password');
    assert.equal((await reset('a brand new passphrase')).status, 200);
    assert.equal((await reset('a second new passphrase')).status, 400, 'the token is used up');
    assert.equal(
      (await fetch(`${s.base}/api/auth/me`, { headers: { cookie: before.cookie } })).status,
      401,
    );
    assert.equal((await login(s, 'dan@example.com', TEST_PASSWORD)).status, 401);
    assert.equal((await login(s, 'dan@example.com', 'a brand new passphrase')).status, 200);
    const unknown = await fetch(`${s.base}/api/users/reset-password`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ email: 'nobody@example.com' }),
    });
    assert.equal(unknown.status, 404);
  } finally {
    await s.close();
  }
});

test('members, keys and the audit log: an admin manages them, grants no role above their own, a revoked key stops at once', async () => {
  const s = await startTestServer();
  try {
    await addUser(s.store, 'eve@example.com', 'admin', s.workspace.id);
    await addUser(s.store, 'fay@example.com', 'viewer');
    const eve = await signIn(s.base, 'eve@example.com');
    const as = (method: string, path: string, body?: unknown) =>
      fetch(`${s.base}${path}${path.includes('?') ? '&' : '?'}workspace=${s.workspace.id}`, {
        method,
        headers: {
          ...sessionHeaders(eve),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    assert.equal(
      (await as('PUT', '/api/members', { email: 'fay@example.com', role: 'owner' })).status,
      403,
    );
    const set = await as('PUT', '/api/members', { email: 'fay@example.com', role: 'analyst' });
    assert.equal(set.status, 200);
    const missing = await as('PUT', '/api/members', {
      email: 'nobody@example.com',
      role: 'viewer',
    });
    assert.equal(missing.status, 404);
    const members = (await (await as('GET', '/api/members')).json()) as {
      members: { email: string; role: string }[];
    };
    assert.deepEqual(members.members.map((m) => `${m.email}:${m.role}`).sort(), [
      'eve@example.com:admin',
      'fay@example.com:analyst',
    ]);
    // keys: no owner key from an admin; an analyst key reads people, cannot change settings
    assert.equal((await as('POST', '/api/keys', { name: 'x', role: 'owner' })).status, 403);
    const made = await as('POST', '/api/keys', { name: 'bi tool', role: 'analyst' });
    assert.equal(made.status, 201);
    const { key, secretKey } = (await made.json()) as { key: { id: string }; secretKey: string };
    const withKey = (path: string, init: RequestInit = {}) =>
      fetch(`${s.base}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      });
    assert.equal((await withKey('/api/people?anonymousId=a1')).status, 200);
    assert.equal(
      (await withKey('/api/attribution/settings', { method: 'PUT', body: '{}' })).status,
      403,
    );
    const listed = await (await as('GET', '/api/keys')).text();
    assert.ok(listed.includes(key.id) && !listed.includes(secretKey));
    assert.equal((await as('DELETE', `/api/keys/${key.id}`)).status, 200);
    assert.equal((await withKey('/api/people?anonymousId=a1')).status, 401);
    assert.equal((await as('DELETE', `/api/keys/${key.id}`)).status, 404);
    // removing a member: the member's session no longer sees the workspace
    const fay = await s.store.userCredentials('fay@example.com');
    assert.equal((await as('DELETE', `/api/members/${fay!.user.id}`)).status, 200);
    assert.equal((await s.store.listMembers(s.workspace.id)).length, 1);
    const audit = (await (await as('GET', '/api/audit')).json()) as {
      entries: { action: string; actor: string; target: string }[];
    };
    assert.deepEqual(
      audit.entries.map((e) => e.action),
      ['member_removed', 'key_revoked', 'key_created', 'member_set'],
    );
    assert.ok(audit.entries.every((e) => e.actor.startsWith('user:')));
    assert.ok(!JSON.stringify(audit).includes(secretKey));
  } finally {
    await s.close();
  }
});

test('an invitation link: a new user sets a password and is signed in as a member; an existing one needs their own password; used once', async () => {
  const s = await startTestServer();
  try {
    const other = await createWorkspace(s.store, {
      name: 'Other',
      currency: 'EUR',
      timezone: 'UTC',
    });
    await addUser(s.store, 'gus@example.com', 'viewer', other.workspace.id);
    const invite = async (email: string, role: string) => {
      const res = await fetch(`${s.base}/api/invitations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email, role }),
      });
      assert.equal(res.status, 201);
      return ((await res.json()) as { token: string; expiresAt: string }).token;
    };
    const accept = (token: string, password: string) =>
      fetch(`${s.base}/api/auth/accept-invitation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, password }),
      });
    const token = await invite('New@Example.com', 'analyst');
    assert.match(token, /^inv_/);
    const short = await accept(token, 'short');
    assert.equal(((await short.json()) as { error: { field: string } }).error.field, 'password');
    const ok = await accept(token, 'a new member passphrase');
    assert.equal(ok.status, 200);
    assert.ok(ok.headers.getSetCookie().some((c) => c.startsWith('cl_session=')));
    const joined = (await ok.json()) as {
      user: { email: string };
      workspaces: { id: string; role: string }[];
    };
    assert.equal(joined.user.email, 'new@example.com');
    assert.deepEqual(
      joined.workspaces.map((w) => `${w.id}:${w.role}`),
      [`${s.workspace.id}:analyst`],
    );
    assert.equal((await accept(token, 'a new member passphrase')).status, 400, 'used once');
    assert.equal((await login(s, 'new@example.com', 'a new member passphrase')).status, 200);
    // an existing user: the token alone does not do, their own password does (and it is kept)
    const forGus = await invite('gus@example.com', 'admin');
    assert.equal((await accept(forGus, 'someone else guessing')).status, 401);
    assert.equal((await accept(forGus, TEST_PASSWORD)).status, 200);
    const gus = await s.store.userCredentials('gus@example.com');
    assert.deepEqual(
      (await s.store.listMemberships(gus!.user.id)).map((m) => `${m.workspaceId}:${m.role}`).sort(),
      [`${other.workspace.id}:viewer`, `${s.workspace.id}:admin`].sort(),
    );
    assert.equal((await accept('inv_made_up', TEST_PASSWORD)).status, 400);
    const actions = (await s.store.listAudit({ workspaceId: s.workspace.id, limit: 10 })).map(
      (e) => e.action,
    );
    assert.deepEqual(actions, [
      'invitation_accepted',
      'invitation_created',
      'invitation_accepted',
      'invitation_created',
    ]);
  } finally {
    await s.close();
  }
});
