// Keys and members, an admin's: the workspace's API keys (GET/POST/DELETE /api/keys; a new key's secret
// is shown once, in the creation's reply), its members and their roles (GET/PUT /api/members), and an
// invitation link (POST /api/invitations: the token is in that reply only). Never a role above the
// caller's own (the server refuses it too).
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { Status } from '../../components/status';
import type { SectionProps } from '../settings';
import { atLeast, grantable, type Role } from './roles';
import { messageOf, useLoaded } from './use-loaded';

interface Key {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
}

interface Member {
  userId: string;
  email: string | null;
  role: Role;
}

const day = (iso: string) => iso.slice(0, 10);

function RoleSelect(props: {
  label: string;
  value: Role;
  roles: Role[];
  onChange: (r: Role) => void;
  disabled?: boolean;
}) {
  return (
    <select
      aria-label={props.label}
      value={props.value}
      disabled={props.disabled}
      onChange={(e) => props.onChange((e.target as HTMLSelectElement).value as Role)}
    >
      {props.roles.map((r) => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </select>
  );
}

export function AccessSettings({ workspace, role }: SectionProps) {
  if (!atLeast(role, 'admin'))
    return (
      <section aria-labelledby="access-h">
        <h2 id="access-h">Keys and members</h2>
        <p class="note">API keys and members are an admin’s to see and change.</p>
      </section>
    );
  return (
    <>
      <Keys workspace={workspace} role={role} />
      <Members workspace={workspace} role={role} />
    </>
  );
}

function Keys({ workspace, role }: SectionProps) {
  const [loaded, reload] = useLoaded<{ keys: Key[] }>('/api/keys', { workspace });
  const [name, setName] = useState('');
  const [keyRole, setKeyRole] = useState<Role>('viewer');
  const [secret, setSecret] = useState<{ name: string; key: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await api<{ key: Key; secretKey: string }>('/api/keys', {
        method: 'POST',
        body: { name, role: keyRole },
        query: { workspace },
      });
      setSecret({ name: r.key.name, key: r.secretKey });
      setName('');
      reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  const revoke = async (k: Key) => {
    setError(null);
    try {
      await api(`/api/keys/${encodeURIComponent(k.id)}`, {
        method: 'DELETE',
        query: { workspace },
      });
      reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <section class="keys" aria-labelledby="keys-h">
      <h2 id="keys-h">API keys</h2>
      <Status of={loaded} />
      {loaded.state === 'ok' &&
        (loaded.data.keys.length === 0 ? (
          <p class="empty-row">No API key yet.</p>
        ) : (
          <div class="table-box">
            <table class="report keys-table">
              <caption>Keys with a role in this workspace</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Created</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.keys.map((k) => (
                  <tr key={k.id} data-key-id={k.id} data-key-name={k.name}>
                    <td>{k.name}</td>
                    <td>{k.role}</td>
                    <td>{day(k.createdAt)}</td>
                    <td data-col="state" data-value={k.revokedAt ? 'revoked' : 'live'}>
                      {k.revokedAt ? `revoked ${day(k.revokedAt)}` : 'live'}
                    </td>
                    <td>
                      {!k.revokedAt && (
                        <button
                          type="button"
                          aria-label={`Revoke key ${k.name}`}
                          onClick={() => void revoke(k)}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      <form class="inline-form" onSubmit={(e) => void create(e)}>
        <label>
          <span>Key name</span>
          <input
            value={name}
            required
            maxLength={100}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          <span>Key role</span>
          <RoleSelect
            label="Key role"
            value={keyRole}
            roles={grantable(role)}
            onChange={setKeyRole}
          />
        </label>
        <button type="submit" class="primary" disabled={name.trim() === ''}>
          Create key
        </button>
      </form>
      {secret && (
        <div class="secret" role="status">
          <p>
            The key <strong>{secret.name}</strong>, shown this once (copy it now; only its hash is
            kept):
          </p>
          <input
            class="secret-key"
            readOnly
            aria-label="New key"
            value={secret.key}
            onFocus={(e) => (e.target as HTMLInputElement).select()}
          />
          <button type="button" onClick={() => setSecret(null)}>
            Done
          </button>
        </div>
      )}
      {error !== null && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function Members({ workspace, role }: SectionProps) {
  const [loaded, reload] = useLoaded<{ members: Member[] }>('/api/members', { workspace });
  const [email, setEmail] = useState('');
  const [inviteRole, setInviteRole] = useState<Role>('viewer');
  const [link, setLink] = useState<{ email: string; url: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const roles = grantable(role);
  const setRole = async (m: Member, r: Role) => {
    setError(null);
    try {
      await api('/api/members', {
        method: 'PUT',
        body: { email: m.email, role: r },
        query: { workspace },
      });
      reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  const invite = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await api<{ email: string; token: string; expiresAt: string }>('/api/invitations', {
        method: 'POST',
        body: { email, role: inviteRole },
        query: { workspace },
      });
      const url = `${location.origin}/login?invitation=${encodeURIComponent(r.token)}`;
      setLink({ email: r.email, url, expiresAt: r.expiresAt });
      setEmail('');
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <section class="members" aria-labelledby="members-h">
      <h2 id="members-h">Members and roles</h2>
      <Status of={loaded} />
      {loaded.state === 'ok' && loaded.data.members.length === 0 && (
        <p class="empty-row">
          No member of this workspace alone yet (people with an instance-wide role see every
          workspace).
        </p>
      )}
      {loaded.state === 'ok' && loaded.data.members.length > 0 && (
        <div class="table-box">
          <table class="report members-table">
            <caption>People who may sign in to this workspace</caption>
            <thead>
              <tr>
                <th scope="col">E-mail</th>
                <th scope="col">Role</th>
              </tr>
            </thead>
            <tbody>
              {loaded.data.members.map((m) => (
                <tr key={m.userId} data-member={m.email ?? m.userId}>
                  <td>{m.email ?? m.userId}</td>
                  <td>
                    <RoleSelect
                      label={`Role of ${m.email ?? m.userId}`}
                      value={m.role}
                      // a member above the caller cannot be changed by them
                      roles={atLeast(role, m.role) ? roles : [m.role]}
                      disabled={!atLeast(role, m.role) || m.email === null}
                      onChange={(r) => void setRole(m, r)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form class="inline-form" onSubmit={(e) => void invite(e)}>
        <label>
          <span>Invite e-mail</span>
          <input
            type="email"
            required
            value={email}
            onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          <span>Invite role</span>
          <RoleSelect
            label="Invite role"
            value={inviteRole}
            roles={roles}
            onChange={setInviteRole}
          />
        </label>
        <button type="submit" class="primary" disabled={email.trim() === ''}>
          Make invitation link
        </button>
      </form>
      {link && (
        <div class="secret" role="status">
          <p>
            Send this link to {link.email} (valid until {link.expiresAt.slice(0, 10)}, shown this
            once):
          </p>
          <input
            class="invitation-link"
            readOnly
            aria-label="Invitation link"
            value={link.url}
            onFocus={(e) => (e.target as HTMLInputElement).select()}
          />
        </div>
      )}
      {error !== null && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
