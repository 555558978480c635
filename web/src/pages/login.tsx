// Sign in: e-mail and password to POST /api/auth/login, which sets the session cookie (docs/access.md).
import { useState } from 'preact/hooks';
import { api, ApiError, type Me } from '../api';

export default function Login(props: { onSignedIn: (me: Me) => void }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError('');
    try {
      const me = await api<Me>('/api/auth/login', {
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
      <h1>Sign in to Closedloop</h1>
      <form onSubmit={(e) => void submit(e)}>
        <label>
          <span>E-mail</span>
          <input name="email" type="email" autocomplete="username" required />
        </label>
        <label>
          <span>Password</span>
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        <a href="/reset-password">Forgot your password?</a>
      </p>
    </main>
  );
}
