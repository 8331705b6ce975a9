import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { setKey, type Identity } from '../session';

/** The key is checked against GET /whoami before it is kept. */
export function SignIn({ onSignedIn }: { onSignedIn(me: Identity): void }) {
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const key = String(new FormData(e.currentTarget).get('apiKey') ?? '').trim();
    try {
      const me = await api<Identity>('GET', '/whoami', undefined, key);
      setKey(key);
      onSignedIn(me);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card narrow">
      <h1>Sign in</h1>
      <p>Use the API key you were given (one of the server&apos;s API_KEYS). It is kept in this tab only.</p>
      <form onSubmit={(e) => void submit(e)}>
        <label>
          API key
          <input name="apiKey" type="password" autoComplete="off" required autoFocus />
        </label>
        <button type="submit" className="primary">
          Sign in
        </button>
      </form>
      <ErrorNote error={error} />
    </section>
  );
}
