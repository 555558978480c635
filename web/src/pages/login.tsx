// Sign in: e-mail and password to POST /api/auth/login, which sets the session cookie (docs/access.md).
// An invitation link (`/login?invitation=TOKEN`, made on the settings page) asks for a password instead
// and accepts it (POST /api/auth/accept-invitation), which signs in too.
import { useState } from 'preact/hooks';
import { api, ApiError, type Me } from '../api';

export default function Login(props: { onSignedIn: (me: Me) => void }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const invitation = new URLSearchParams(location.search).get('invitation');
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError('');
    try {
      const me = invitation
        ? await api<Me>('/api/auth/accept-invitation', {
            method: 'POST',
            body: { token: invitation, password: form.get('password') },
          })
        : await api<Me>('/api/auth/login', {
            method: 'POST',
            body: { email: form.get('email'), password: form.get('password') },
          });
      props.onSignedIn(me);
    } catch (err) {
      setError(
        err instanceof ApiError && err.code === 'invalid_credentials'
          ? 'That e-mail and password do not match an account.'
          : err instanceof Error
            ? err.message
            : String(err),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <h1>{invitation ? 'Accept your invitation' : 'Sign in to Closedloop'}</h1>
      <form onSubmit={(e) => void submit(e)}>
        {invitation ? (
          <p class="note">
            Choose a password (or give yours, if you already have an account here).
          </p>
        ) : (
          <label>
            <span>E-mail</span>
            <input name="email" type="email" autocomplete="username" required />
          </label>
        )}
        <label>
          <span>Password</span>
          <input
            name="password"
            type="password"
            autocomplete={invitation ? 'new-password' : 'current-password'}
            required
          />
        </label>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : invitation ? 'Accept and sign in' : 'Sign in'}
        </button>
      </form>
      <p>
        <a href="/reset-password">Forgot your password?</a>
      </p>
    </main>
  );
}
