// The dashboard's entry: who is signed in (GET /api/auth/me), the shell (pages, workspace switcher, date
// range), and the page of the path, loaded on first use. docs/dashboard.md.
import { render, type ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, setCsrf, type Me } from './api';
import { Shell } from './components/shell';
import { interceptLinks, navigate, useLocation, withQuery } from './location';
import { DEFAULT_PAGE, PAGES, type PageProps } from './routes';
import './styles.css';

type Login = ComponentType<{ onSignedIn: (me: Me) => void }>;

/** A lazily loaded module's default export, once loaded (undefined before). */
function useLazy<T>(key: string, load: (() => Promise<{ default: T }>) | undefined): T | undefined {
  const [mod, setMod] = useState<{ key: string; value: T }>();
  useEffect(() => {
    let live = true;
    if (load)
      void load().then((m) => {
        if (live) setMod({ key, value: m.default });
      });
    return () => {
      live = false;
    };
  }, [key, load === undefined]);
  return mod?.key === key ? mod.value : undefined;
}

function App() {
  const loc = useLocation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    api<Me>('/api/auth/me')
      .then((m) => {
        setCsrf(m.csrfToken);
        setMe(m);
      })
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) setMe(null);
        else throw e;
      });
  }, []);
  const name = loc.path.replace(/^\/+|\/+$/g, '') || DEFAULT_PAGE;
  const Login = useLazy<Login>('login', me === null ? () => import('./pages/login') : undefined);
  // a forgotten password is open to anyone, signed in or not
  const Reset = useLazy<ComponentType>(
    'reset-password',
    name === 'reset-password' ? () => import('./pages/reset-password') : undefined,
  );
  const def = PAGES[name];
  const Page = useLazy<ComponentType<PageProps>>(name, me && def ? def.load : undefined);

  if (name === 'reset-password') return Reset ? <Reset /> : <p class="loading">Loading…</p>;
  if (me === undefined) return <p class="loading">Loading…</p>;
  if (me && name === 'login') {
    navigate('/overview', { replace: true });
    return null;
  }
  if (!me) {
    if (name !== 'login') {
      navigate(`/login?next=${encodeURIComponent(loc.path + location.search)}`, { replace: true });
      return null;
    }
    return Login ? (
      <Login
        onSignedIn={(m) => {
          setCsrf(m.csrfToken);
          setMe(m);
          const next = loc.query.get('next');
          navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/overview');
        }}
      />
    ) : (
      <p class="loading">Loading…</p>
    );
  }
  // the workspace is in the URL; without one, the first the user may see
  const workspace = loc.query.get('workspace') ?? me.workspaces[0]?.id;
  if (!workspace)
    return (
      <main class="empty">
        <h1>No workspace</h1>
        <p>This account is not a member of any workspace yet. Ask an admin to add you.</p>
      </main>
    );
  if (!loc.query.get('workspace') || loc.path === '/') {
    navigate(withQuery({ workspace }, def ? loc.path : `/${DEFAULT_PAGE}`), { replace: true });
    return null;
  }
  return (
    <Shell me={me} page={name} workspace={workspace} onSignedOut={() => setMe(null)}>
      {!def ? (
        <main>
          <h1>Not found</h1>
          <p>There is no page here.</p>
        </main>
      ) : Page ? (
        <Page me={me} workspace={workspace} query={loc.query} />
      ) : (
        <p class="loading">Loading…</p>
      )}
    </Shell>
  );
}

// the first page's chunk fetched while /api/auth/me is in flight, not after it (bench/web-paint.bench.ts
// saw the two one after the other): the same import() useLazy makes, so the browser loads it once
void PAGES[location.pathname.replace(/^\/+|\/+$/g, '') || DEFAULT_PAGE]
  ?.load()
  .catch(() => undefined);
interceptLinks();
render(<App />, document.getElementById('app')!);
