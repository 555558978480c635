// A forgotten password, signed out: without a token, an e-mail to POST /api/auth/forgot-password (a link
// is mailed when the server has SMTP; otherwise the page says to ask an admin); with `?token=` from that
// link (or from `closedloop user reset-password`), a new password to POST /api/auth/reset-password, then
// on to sign in. docs/access.md, "Password reset".
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { useLocation } from '../location';

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

function AskForLink() {
  const [state, setState] = useState<{ kind: 'idle' | 'busy' | 'sent' | 'error'; text?: string }>({
    kind: 'idle',
  });
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setState({ kind: 'busy' });
    try {
      const r = await api<{ message: string }>('/api/auth/forgot-password', {
        method: 'POST',
        body: { email: form.get('email') },
      });
      setState({ kind: 'sent', text: r.message });
    } catch (err) {
      setState({
        kind: 'error',
        text:
          err instanceof ApiError && err.code === 'mail_not_configured'
            ? 'This server sends no mail. Ask an admin for a reset link (closedloop user reset-password).'
            : messageOf(err),
      });
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <p class="note">
        Give the e-mail of your account: a link to set a new password is mailed to it.
      </p>
      <label>
        <span>E-mail</span>
        <input name="email" type="email" autocomplete="username" required />
      </label>
      {state.kind === 'sent' && <p role="status">{state.text}</p>}
      {state.kind === 'error' && (
        <p role="alert" class="error">
          {state.text}
        </p>
      )}
      <button type="submit" disabled={state.kind === 'busy'}>
        {state.kind === 'busy' ? 'Sending…' : 'Mail me a link'}
      </button>
    </form>
  );
}

function SetPassword(props: { token: string }) {
  const [state, setState] = useState<{ kind: 'idle' | 'busy' | 'done' | 'error'; text?: string }>({
    kind: 'idle',
  });
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    if (form.get('password') !== form.get('again')) {
      setState({ kind: 'error', text: 'The two passwords differ.' });
      return;
    }
    setState({ kind: 'busy' });
    try {
      await api('/api/auth/reset-password', {
        method: 'POST',
        body: { token: props.token, password: form.get('password') },
      });
      setState({ kind: 'done' });
    } catch (err) {
      setState({ kind: 'error', text: messageOf(err) });
    }
  };
  if (state.kind === 'done')
    return (
      <p role="status">
        Your password is set. <a href="/login">Sign in</a>
      </p>
    );
  return (
    <form onSubmit={(e) => void submit(e)}>
      <label>
        <span>New password</span>
        <input
          name="password"
          type="password"
          autocomplete="new-password"
          minLength={10}
          required
        />
      </label>
      <label>
        <span>New password again</span>
        <input name="again" type="password" autocomplete="new-password" minLength={10} required />
      </label>
      {state.kind === 'error' && (
        <p role="alert" class="error">
          {state.text}
        </p>
      )}
      <button type="submit" disabled={state.kind === 'busy'}>
        {state.kind === 'busy' ? 'Saving…' : 'Set password'}
      </button>
    </form>
  );
}

export default function ResetPassword() {
  const token = useLocation().query.get('token');
  return (
    <main class="login">
      <h1>Reset your password</h1>
      {token ? <SetPassword token={token} /> : <AskForLink />}
      <p>
        <a href="/login">Back to sign in</a>
      </p>
    </main>
  );
}
