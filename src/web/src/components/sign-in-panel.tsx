import { type FormEvent, useState } from 'react';
import { useSession } from '../session';

/** Asks for an API key when the server answered 401. */
export function SignInPanel() {
  const session = useSession();
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    await session.signIn(key);
    setBusy(false);
  }

  return (
    <div className="signin">
      <form className="card signin-card" onSubmit={submit}>
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          AgentMesh
        </div>
        <h1>Sign in</h1>
        <p className="muted">
          This server requires an API key. Create one with{' '}
          <code>agentmesh keys create --role viewer --name me</code> and paste it here; it is kept in this
          browser only.
        </p>
        <label className="field">
          <span className="field-label">API key</span>
          <input
            type="password"
            autoComplete="off"
            placeholder="am_…"
            value={key}
            onChange={(event) => setKey(event.target.value)}
            required
          />
        </label>
        {session.error ? <p className="note note-error">{session.error}</p> : null}
        <button type="submit" className="button button-primary" disabled={busy || key.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
