import { useEffect, useState } from 'preact/hooks';
import { sessionFromToken, type Session } from '../session';

/**
 * Paste a bearer token, or in a local run take the development token the API prints (its
 * route answers 404 in production and wherever JWT_SECRET is set).
 */
export function SignInPage(props: { onSignIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [devAvailable, setDevAvailable] = useState(false);

  const useToken = (value: string) => {
    try {
      props.onSignIn(sessionFromToken(value));
    } catch (problem) {
      setError((problem as Error).message);
    }
  };

  // Only offered where the API has one to give.
  useEffect(() => {
    fetch('/console/development-token', { method: 'HEAD' }).then(
      (answer) => setDevAvailable(answer.ok),
      () => setDevAvailable(false),
    );
  }, []);

  const useDevelopmentToken = async () => {
    const answer = await fetch('/console/development-token');
    if (!answer.ok) return setError('No development token here (production, or JWT_SECRET set).');
    useToken(((await answer.json()) as { token: string }).token);
  };

  return (
    <section class="sign-in">
      <h1>Sign in</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          useToken(token);
        }}
      >
        <label for="token">Bearer token (JWT)</label>
        <textarea
          id="token"
          rows={4}
          autocomplete="off"
          spellcheck={false}
          value={token}
          onInput={(event) => setToken((event.target as HTMLTextAreaElement).value)}
        />
        <p class="hint">Kept in this tab only (sessionStorage), never in a URL.</p>
        <button type="submit" class="primary" disabled={!token.trim()}>
          Sign in
        </button>
      </form>
      {devAvailable && (
        <p>
          <button type="button" onClick={useDevelopmentToken}>
            Use the development token
          </button>{' '}
          <small>local run only: workspace “demo”, owner</small>
        </p>
      )}
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
