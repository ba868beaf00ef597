import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { apiClient, type Api } from './api/client';
import { AuditPage } from './pages/audit';
import { ConnectionPage } from './pages/connection';
import { IntegrationsPage, type OAuthReturn } from './pages/integrations';
import { SignInPage } from './pages/sign-in';
import { TroubleshootingPage } from './pages/troubleshooting';
import { restoreSession, saveSession, type Session } from './session';
import './styles.css';

export interface PageProps {
  api: Api;
  session: Session;
}

/** The OAuth callback sends the browser back with its outcome in the query: read it once. */
function takeOAuthReturn(): OAuthReturn | null {
  const query = new URLSearchParams(location.search);
  const result = query.get('result');
  if (!result) return null;
  history.replaceState(null, '', `${location.pathname}#/integrations`);
  return {
    result: result as OAuthReturn['result'],
    code: query.get('code'),
    selectionId: query.get('selectionId'),
    connectionIds: (query.get('connectionIds') ?? '').split(',').filter(Boolean),
  };
}

function useHashRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

const NAV = [
  ['integrations', 'Integrations'],
  ['audit', 'Audit'],
  ['troubleshooting', 'Troubleshooting'],
] as const;

function App() {
  const [session, setSession] = useState<Session | null>(restoreSession);
  const [oauthReturn] = useState(takeOAuthReturn);
  const route = useHashRoute();
  const api = useMemo(() => apiClient(() => session?.token ?? null), [session?.token]);
  const signIn = (next: Session | null) => {
    saveSession(next);
    setSession(next);
  };
  const [page = 'integrations', param] = route;

  useEffect(() => {
    const title = NAV.find(([path]) => path === page)?.[1] ?? 'Connection';
    document.title = `${session ? title : 'Sign in'} · Connection Ledger`;
  }, [page, session]);

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <span class="brand">Connection Ledger</span>
        {session && (
          <>
            <nav aria-label="Pages">
              {NAV.map(([path, label]) => (
                <a key={path} href={`#/${path}`} aria-current={page === path ? 'page' : undefined}>
                  {label}
                </a>
              ))}
            </nav>
            <label class="switcher">
              Workspace
              <select
                value={session.workspaceId}
                onChange={(event) =>
                  signIn({ ...session, workspaceId: (event.target as HTMLSelectElement).value })
                }
              >
                {Object.entries(session.workspaces).map(([id, role]) => (
                  <option key={id} value={id}>
                    {id} ({role})
                  </option>
                ))}
              </select>
            </label>
            <span class="who">
              {session.subject} · <strong>{session.workspaces[session.workspaceId]}</strong>
            </span>
            <button type="button" onClick={() => signIn(null)}>
              Sign out
            </button>
          </>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {!session ? (
          <SignInPage onSignIn={signIn} />
        ) : page === 'connections' && param ? (
          <ConnectionPage key={session.workspaceId} api={api} session={session} id={param} />
        ) : page === 'troubleshooting' ? (
          <TroubleshootingPage code={param} />
        ) : page === 'audit' ? (
          <AuditPage key={session.workspaceId} api={api} session={session} />
        ) : (
          <IntegrationsPage
            key={session.workspaceId}
            api={api}
            session={session}
            oauthReturn={oauthReturn}
          />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
