// The frame around every page: the pages (side navigation by group), the workspace switcher (the
// user's workspaces from /api/auth/me), the date range (from/to in the URL, with presets), the model and
// comparison, and signing out.
import type { ComponentChildren } from 'preact';
import { api, type Me } from '../api';
import { navigate, withQuery } from '../location';
import { GROUPS, PAGES } from '../routes';
import { DateRange } from './date-range';
import { GLOBAL_KEYS, ReportControls } from './report-controls';

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
      <div class="body">
        <nav class="side" aria-label="Pages">
          {GROUPS.filter((g) => Object.values(PAGES).some((d) => d.group === g)).map((group) => (
            <section key={group}>
              <h2>{group}</h2>
              {Object.entries(PAGES)
                .filter(([, def]) => def.group === group && def.nav !== false)
                .map(([name, def]) => (
                  <a
                    key={name}
                    // a page keeps the workspace, range, model and comparison; its own state (sort,
                    // drill) is left behind
                    href={`/${name}?${new URLSearchParams(
                      [...new URLSearchParams(location.search)].filter(([k]) =>
                        GLOBAL_KEYS.includes(k),
                      ),
                    ).toString()}`}
                    aria-current={name === page ? 'page' : undefined}
                  >
                    {def.title}
                  </a>
                ))}
            </section>
          ))}
        </nav>
        <div class="content">
          {(PAGES[page]?.range !== false || (PAGES[page]?.controls ?? []).length > 0) && (
            <div class="controls">
              {PAGES[page]?.range !== false && <DateRange />}
              <ReportControls show={PAGES[page]?.controls ?? []} />
            </div>
          )}
          {props.children}
        </div>
      </div>
    </div>
  );
}
