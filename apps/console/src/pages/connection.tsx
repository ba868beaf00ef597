import { useState } from 'preact/hooks';
import { ok, PLATFORM_LABELS, type Connection, type Problem, type Schemas } from '../api/client';
import type { PageProps } from '../main';
import { may, whyNot } from '../session';
import {
  asProblem,
  formatInstant,
  Guarded,
  Modal,
  ProblemNotice,
  StatusIcon,
  useLoad,
} from '../ui';
import { consoleReturnTo, goToConsent } from './integrations';

/** One connection: its fields, the actions the role allows, its history, and its past state. */
export function ConnectionPage(props: PageProps & { id: string }) {
  const { api, session, id } = props;
  const ws = session.workspaceId;
  const path = { ws, id };
  const { data, problem, reload } = useLoad(async () => {
    const [connection, history] = await Promise.all([
      ok(api.GET('/v1/workspaces/{ws}/connections/{id}', { params: { path } })),
      ok(api.GET('/v1/workspaces/{ws}/connections/{id}/history', { params: { path } })),
    ]);
    return { connection, history };
  }, [api, ws, id]);
  const [actionProblem, setActionProblem] = useState<Problem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'copy' | 'disconnect' | null>(null);
  const [disconnected, setDisconnected] = useState<Schemas['DisconnectReportBody'] | null>(null);
  const manage = may(session, 'manage');
  const reason = whyNot(session, 'manage');

  const act = async (label: string, call: () => Promise<unknown>) => {
    setActionProblem(null);
    setNotice(null);
    try {
      await call();
      setNotice(label);
      reload();
    } catch (error) {
      setActionProblem(asProblem(error));
    }
  };

  if (disconnected) return <DisconnectReport report={disconnected} />;
  const connection = data?.connection;
  return (
    <section>
      <p>
        <a href="#/integrations">← Integrations</a>
      </p>
      <h1>{connection ? connection.accountName : 'Connection'}</h1>
      {notice && (
        <p class="notice success" role="status">
          {notice}
        </p>
      )}
      <ProblemNotice problem={problem ?? actionProblem} />
      {connection && (
        <>
          <ConnectionFields connection={connection} />
          <div class="actions" role="group" aria-label="Actions">
            <Guarded
              allowed={manage && !connection.isMain}
              reason={manage ? 'It is already the main account.' : reason}
              onClick={() =>
                act('Set as main account.', () =>
                  ok(api.POST('/v1/workspaces/{ws}/connections/{id}/main', { params: { path } })),
                )
              }
            >
              Set as Main
            </Guarded>
            <Guarded
              allowed={manage}
              reason={reason}
              onClick={() =>
                goToConsent(
                  ok(
                    api.POST('/v1/workspaces/{ws}/connections/oauth/{platform}', {
                      params: { path: { ws, platform: connection.platform } },
                      body: { reconnectConnectionId: id, returnTo: consoleReturnTo() },
                    }),
                  ),
                  setActionProblem,
                )
              }
            >
              Reconnect
            </Guarded>
            <Guarded
              allowed={manage}
              reason={reason}
              onClick={async () => {
                setActionProblem(null);
                try {
                  const { result } = await ok(
                    api.POST('/v1/workspaces/{ws}/connections/{id}/refresh', { params: { path } }),
                  );
                  setNotice(`Refresh: ${result}.`);
                  reload();
                } catch (error) {
                  setActionProblem(asProblem(error));
                }
              }}
            >
              Refresh
            </Guarded>
            <Guarded allowed={manage} reason={reason} onClick={() => setDialog('copy')}>
              Copy to Workspace
            </Guarded>
            <Guarded
              class="danger"
              allowed={manage}
              reason={reason}
              onClick={() => setDialog('disconnect')}
            >
              Disconnect
            </Guarded>
          </div>
          <AsOf {...props} />
          <h2>History</h2>
          <ol class="timeline">
            {data.history.map((entry) => (
              <li key={entry.eventId}>
                <time dateTime={entry.at}>{formatInstant(entry.at)}</time>{' '}
                <strong>{entry.type}</strong> by {entry.actor.userId} ({entry.actor.role})
                <small class="from">
                  {' '}
                  from {entry.actor.ip ?? 'no address'}
                  {entry.actor.userAgent ? `, ${entry.actor.userAgent}` : ''}
                </small>
              </li>
            ))}
          </ol>
        </>
      )}
      {dialog === 'copy' && connection && (
        <CopyDialog {...props} onClose={() => setDialog(null)} onProblem={setActionProblem} />
      )}
      {dialog === 'disconnect' && connection && (
        <DisconnectDialog
          {...props}
          connection={connection}
          onClose={() => setDialog(null)}
          onDone={setDisconnected}
        />
      )}
    </section>
  );
}

function ConnectionFields(props: { connection: Connection }) {
  const c = props.connection;
  return (
    <dl class="fields">
      <dt>Platform</dt>
      <dd>{PLATFORM_LABELS[c.platform]}</dd>
      <dt>Account Name</dt>
      <dd>{c.accountName}</dd>
      <dt>Account ID</dt>
      <dd>
        <code>{c.accountId}</code>
      </dd>
      <dt>Connected Date</dt>
      <dd>{formatInstant(c.connectedAt)}</dd>
      <dt>Status</dt>
      <dd>
        <StatusIcon status={c.status} reason={c.statusReason} />
      </dd>
      <dt>Main</dt>
      <dd>{c.isMain ? '★ Main account' : 'No'}</dd>
      <dt>Token expiry</dt>
      <dd>{c.tokenExpiresAt ? formatInstant(c.tokenExpiresAt) : 'Does not expire'}</dd>
      <dt>Copied from</dt>
      <dd>{c.copiedFrom ? `${c.copiedFrom.workspaceId} / ${c.copiedFrom.connectionId}` : '—'}</dd>
    </dl>
  );
}

/** The connection as the list stood at a chosen instant (computed from the events). */
function AsOf(props: PageProps & { id: string }) {
  const [instant, setInstant] = useState('');
  const [then, setThen] = useState<Connection | 'absent' | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const show = async () => {
    setProblem(null);
    try {
      // The input has no zone: it is read as UTC, as labelled.
      const asOf = new Date(`${instant}Z`).toISOString();
      const list = await ok(
        props.api.GET('/v1/workspaces/{ws}/connections', {
          params: { path: { ws: props.session.workspaceId }, query: { asOf } },
        }),
      );
      setThen(list.find((c) => c.id === props.id) ?? 'absent');
    } catch (error) {
      setProblem(asProblem(error));
    }
  };
  return (
    <section class="as-of" aria-labelledby="as-of-title">
      <h2 id="as-of-title">Show as of</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void show();
        }}
      >
        <label>
          Instant (UTC)
          <input
            type="datetime-local"
            step={1}
            value={instant}
            required
            onInput={(event) => setInstant((event.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">Show</button>
      </form>
      <ProblemNotice problem={problem} />
      {then === 'absent' && <p role="status">Not connected at that instant.</p>}
      {then && then !== 'absent' && (
        <div role="status">
          <ConnectionFields connection={then} />
        </div>
      )}
    </section>
  );
}

function CopyDialog(
  props: PageProps & { id: string; onClose: () => void; onProblem: (p: Problem) => void },
) {
  const targets = Object.entries(props.session.workspaces).filter(
    ([ws]) => ws !== props.session.workspaceId && may(props.session, 'manage', ws),
  );
  const [target, setTarget] = useState(targets[0]?.[0] ?? '');
  return (
    <Modal title="Copy to Workspace" onClose={props.onClose}>
      {targets.length === 0 ? (
        <p>Your token names no other workspace where you are owner or admin.</p>
      ) : (
        <label>
          Target workspace
          <select
            value={target}
            onChange={(event) => setTarget((event.target as HTMLSelectElement).value)}
          >
            {targets.map(([ws, role]) => (
              <option key={ws} value={ws}>
                {ws} ({role})
              </option>
            ))}
          </select>
        </label>
      )}
      <p class="hint">You sign in at the platform again, so the copy has its own token.</p>
      <div class="actions">
        <button
          type="button"
          class="primary"
          disabled={!target}
          onClick={() => {
            // The copy lands in the target workspace: come back there.
            sessionStorage.setItem('ledger.console.workspace', target);
            void goToConsent(
              ok(
                props.api.POST('/v1/workspaces/{ws}/connections/{id}/copy', {
                  params: { path: { ws: props.session.workspaceId, id: props.id } },
                  body: { targetWorkspaceId: target, returnTo: consoleReturnTo() },
                }),
              ),
              (problem) => {
                sessionStorage.setItem('ledger.console.workspace', props.session.workspaceId);
                props.onClose();
                props.onProblem(problem);
              },
            );
          }}
        >
          Copy
        </button>
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}

/** Says what a disconnect breaks before it happens: scheduled posts, campaigns. */
function DisconnectDialog(
  props: PageProps & {
    id: string;
    connection: Connection;
    onClose: () => void;
    onDone: (report: Schemas['DisconnectReportBody']) => void;
  },
) {
  const { api, session, id, connection } = props;
  const ws = session.workspaceId;
  const { data } = useLoad(async () => {
    const params = { path: { ws } };
    const [posts, campaigns] = await Promise.all([
      ok(api.GET('/v1/workspaces/{ws}/posts', { params })),
      ok(api.GET('/v1/workspaces/{ws}/campaigns', { params })),
    ]);
    const scheduled = posts.filter((p) => p.connectionId === id && p.status === 'scheduled');
    const campaignIds = new Set(scheduled.map((p) => p.campaignId).filter(Boolean));
    const affected = campaigns.filter(
      (c) =>
        campaignIds.has(c.id) ||
        c.targets.some(
          (t) =>
            t.connectionId === id ||
            (t.connectionId === null && t.platform === connection.platform && connection.isMain),
        ),
    );
    return { scheduled: scheduled.length, campaigns: affected.map((c) => c.name) };
  }, [api, ws, id]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const disconnect = async () => {
    try {
      props.onDone(
        await ok(
          api.DELETE('/v1/workspaces/{ws}/connections/{id}', { params: { path: { ws, id } } }),
        ),
      );
    } catch (error) {
      setProblem(asProblem(error));
    }
  };
  return (
    <Modal title={`Disconnect ${connection.accountName}?`} onClose={props.onClose}>
      {/* One stable element: the controls after it keep their focus when it fills in. */}
      <div data-testid="disconnect-impact" aria-live="polite">
        {!data ? (
          <p>Checking what depends on it…</p>
        ) : (
          <>
            <p>
              <strong>{data.scheduled}</strong> scheduled post{data.scheduled === 1 ? '' : 's'} will
              fail.
            </p>
            {data.campaigns.length > 0 ? (
              <>
                <p>Campaigns affected:</p>
                <ul>
                  {data.campaigns.map((name) => (
                    <li key={name}>{name}</li>
                  ))}
                </ul>
              </>
            ) : (
              <p>No campaign is affected.</p>
            )}
            <p>Its tokens are destroyed; its history is kept.</p>
          </>
        )}
      </div>
      <ProblemNotice problem={problem} />
      <div class="actions">
        <button type="button" class="danger" disabled={!data} onClick={disconnect}>
          Disconnect
        </button>
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}

function DisconnectReport(props: { report: Schemas['DisconnectReportBody'] }) {
  const r = props.report;
  return (
    <section>
      <h1>Disconnected {r.accountName}</h1>
      <p role="status">
        {r.scheduledPostsFailed} scheduled post(s) failed, {r.campaignsFlagged} campaign(s) flagged
        {r.wasMain ? '; it was the main account' : ''};{' '}
        {r.tokensDestroyed
          ? 'its tokens were destroyed'
          : 'no tokens were left to destroy (shredded before)'}
        .
      </p>
      {r.alsoDisconnected.length > 0 && (
        <ul>
          {r.alsoDisconnected.map((a) => (
            <li key={a.connectionId}>
              Also disconnected: {a.platform} {a.connectionId} ({a.reason})
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href="#/integrations">Back to Integrations</a>
      </p>
    </section>
  );
}
