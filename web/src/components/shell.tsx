// The frame around every page: the pages, the workspace switcher (the user's workspaces from
// /api/auth/me), the date range (from/to in the URL, with presets) and signing out.
import type { ComponentChildren } from 'preact';
import { api, type Me } from '../api';
import { navigate, withQuery } from '../location';
import { PAGES } from '../routes';
import { DateRange } from './date-range';

export function Shell(props: {
  me: Me;
  page: string;
  workspace: string;
  onSignedOut: () => void;
  children: ComponentChildren;
}) {
  const { me, page, workspace } = props;
  const signOut = async () => {
    await api('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    props.onSignedOut();
    navigate('/login', { replace: true });
  };
  return (
    <div class="shell">
      <header class="top">
        <span class="brand">Closedloop</span>
        <nav aria-label="Pages">
          {Object.entries(PAGES).map(([name, def]) => (
            <a
              key={name}
              // a page keeps the workspace and the date range; its own state (sort, drill) is left behind
              href={`/${name}?${new URLSearchParams(
                [...new URLSearchParams(location.search)].filter(([k]) =>
                  ['workspace', 'from', 'to'].includes(k),
                ),
              ).toString()}`}
              aria-current={name === page ? 'page' : undefined}
            >
              {def.title}
            </a>
          ))}
        </nav>
        <label class="workspace">
          <span>Workspace</span>
          <select
            value={workspace}
            onChange={(e) =>
              navigate(withQuery({ workspace: (e.target as HTMLSelectElement).value }))
            }
          >
            {me.workspaces.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        <span class="who" title={me.user.email}>
          {me.user.email}
        </span>
        <button type="button" class="link" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <div class="controls">
        <DateRange />
      </div>
      {props.children}
    </div>
  );
}
