import { useState } from 'preact/hooks';
import { ok, PLATFORM_LABELS, type Platform, type Problem, type Schemas } from '../api/client';
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

type AuditQuery = {
  actor?: string;
  platform?: Platform;
  type?: string;
  from?: string;
  to?: string;
};

/** The audit trail (filters, pages, exports), the verify badge, expiring soon, breach response. */
export function AuditPage(props: PageProps) {
  const { session } = props;
  if (!may(session, 'readAudit')) {
    return (
      <section>
        <h1>Audit</h1>
        <p class="notice">{whyNot(session, 'readAudit')}</p>
        <ExpiringSoon {...props} />
      </section>
    );
  }
  return (
    <section>
      <h1>Audit</h1>
      <VerifyBadge {...props} />
      <ExpiringSoon {...props} />
      <Trail {...props} />
      <BreachResponse {...props} />
    </section>
  );
}

function VerifyBadge({ api, session }: PageProps) {
  const { data, problem } = useLoad(
    () =>
      ok(
        api.GET('/v1/workspaces/{ws}/audit/verify', {
          params: { path: { ws: session.workspaceId } },
        }),
      ),
    [api, session.workspaceId],
  );
  return (
    <div class="verify" aria-live="polite">
      <ProblemNotice problem={problem} />
      {!data ? (
        <p>Verifying the hash chain…</p>
      ) : data.ok ? (
        <p class="badge intact" data-testid="verify-badge">
          ✔ Intact: {data.checkedEvents} events chained, {data.checkpoints.checked} signed
          checkpoint(s) checked
          {data.checkpoints.latestSignedAt
            ? ` (latest ${formatInstant(data.checkpoints.latestSignedAt)})`
            : ''}
        </p>
      ) : (
        <p class="badge tampered" data-testid="verify-badge">
          ✖ Tampered: first bad event {data.firstBadEvent?.streamId} revision{' '}
          {data.firstBadEvent?.revision} ({data.firstBadEvent?.problem}); {data.checkpoints.checked}{' '}
          checkpoint(s) checked
        </p>
      )}
    </div>
  );
}

function ExpiringSoon({ api, session }: PageProps) {
  const { data, problem } = useLoad(
    () =>
      ok(
        api.GET('/v1/workspaces/{ws}/connections', {
          params: { path: { ws: session.workspaceId }, query: { expiringWithin: '7d' } },
        }),
      ),
    [api, session.workspaceId],
  );
  return (
    <section aria-labelledby="expiring-title">
      <h2 id="expiring-title">Expiring within 7 days</h2>
      <ProblemNotice problem={problem} />
      {data && data.length === 0 && <p>No token expires within 7 days.</p>}
      <ul data-testid="expiring">
        {data?.map((c) => (
          <li key={c.id}>
            <a href={`#/connections/${c.id}`}>{c.accountName}</a> ({PLATFORM_LABELS[c.platform]}),
            expires {formatInstant(c.tokenExpiresAt)} <StatusIcon status={c.status} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function Trail({ api, session }: PageProps) {
  const ws = session.workspaceId;
  const [filters, setFilters] = useState<AuditQuery>({});
  const [applied, setApplied] = useState<AuditQuery>({});
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const { data, problem } = useLoad(
    () =>
      ok(
        api.GET('/v1/workspaces/{ws}/audit', {
          params: { path: { ws }, query: { ...applied, limit: 10, ...(cursor ? { cursor } : {}) } },
        }),
      ),
    [api, ws, applied, cursor],
  );
  const [exportProblem, setExportProblem] = useState<Problem | null>(null);
  const download = async (accept: string, extension: string) => {
    setExportProblem(null);
    const query = new URLSearchParams(
      Object.entries(applied).filter((entry): entry is [string, string] => Boolean(entry[1])),
    );
    const answer = await fetch(`/v1/workspaces/${encodeURIComponent(ws)}/audit?${query}`, {
      headers: { Accept: accept, Authorization: `Bearer ${session.token}` },
    });
    if (!answer.ok) {
      setExportProblem(asProblem(new Error(`Export refused: HTTP ${answer.status}`)));
      return;
    }
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await answer.blob());
    link.download = `audit-${ws}.${extension}`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  };
  const field = (name: keyof AuditQuery, label: string, dateTime = false) => {
    const onInput = (event: Event) =>
      setFilters({ ...filters, [name]: (event.target as HTMLInputElement).value || undefined });
    const value = filters[name] ?? '';
    return (
      <label>
        {label}
        {dateTime ? (
          <input type="datetime-local" step={1} name={name} value={value} onInput={onInput} />
        ) : (
          <input type="text" name={name} value={value} onInput={onInput} />
        )}
      </label>
    );
  };
  return (
    <section aria-labelledby="trail-title">
      <h2 id="trail-title">Audit trail</h2>
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          const toIso = (value?: string) =>
            value ? new Date(`${value}Z`).toISOString() : undefined;
          setApplied({ ...filters, from: toIso(filters.from), to: toIso(filters.to) });
          setCursors([]);
        }}
      >
        {field('actor', 'Actor (user id)')}
        {field('type', 'Event type')}
        <label>
          Platform
          <select
            value={filters.platform ?? ''}
            onChange={(event) =>
              setFilters({
                ...filters,
                platform: ((event.target as HTMLSelectElement).value || undefined) as Platform,
              })
            }
          >
            <option value="">Any</option>
            {Object.entries(PLATFORM_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {field('from', 'From (UTC)', true)}
        {field('to', 'To (UTC)', true)}
        <button type="submit">Filter</button>
      </form>
      <div class="actions">
        <button type="button" onClick={() => download('text/csv', 'csv')}>
          Export CSV
        </button>
        <button type="button" onClick={() => download('application/x-ndjson', 'jsonl')}>
          Export JSON Lines
        </button>
      </div>
      <ProblemNotice problem={problem ?? exportProblem} />
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Audit entries">
        <table>
          <caption class="visually-hidden">Audit entries, newest page first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Who</th>
              <th scope="col">Platform</th>
              <th scope="col">Connection</th>
            </tr>
          </thead>
          <tbody>
            {data?.items.map((entry) => (
              <tr key={entry.id} class={entry.kind === 'refused' ? 'refused' : undefined}>
                <td>{formatInstant(entry.at)}</td>
                <td>
                  {entry.kind === 'refused' ? (
                    <>
                      Refused: <a href={`#/troubleshooting/${entry.type}`}>{entry.type}</a>
                    </>
                  ) : (
                    entry.type
                  )}
                </td>
                <td>
                  {entry.actor.userId} ({entry.actor.role})
                </td>
                <td>{entry.platform ?? '—'}</td>
                <td>{entry.connectionId ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="actions" role="group" aria-label="Pages">
        <button
          type="button"
          disabled={cursors.length === 0}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Previous page
        </button>
        <button
          type="button"
          disabled={!data?.nextCursor}
          onClick={() => data?.nextCursor && setCursors([...cursors, data.nextCursor])}
        >
          Next page
        </button>
      </div>
    </section>
  );
}

function BreachResponse({ api, session }: PageProps) {
  const ws = session.workspaceId;
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [report, setReport] = useState<Schemas['BreachReportBody'] | null>(null);
  const respond = async () => {
    try {
      setReport(
        await ok(
          api.POST('/v1/workspaces/{ws}/breach-response', {
            params: { path: { ws } },
            body: { reason },
          }),
        ),
      );
      setOpen(false);
    } catch (error) {
      setProblem(asProblem(error));
    }
  };
  return (
    <section aria-labelledby="breach-title" class="breach">
      <h2 id="breach-title">Breach response</h2>
      <p>
        Disconnects every account, destroys and revokes their tokens, fails pending posts, and
        reports what each connection did.
      </p>
      <Guarded
        class="danger"
        allowed={may(session, 'manage')}
        reason={whyNot(session, 'manage')}
        onClick={() => setOpen(true)}
      >
        Start breach response…
      </Guarded>
      {open && (
        <Modal title="Confirm breach response" onClose={() => setOpen(false)}>
          <p>
            This cannot be undone. Type the workspace id <code>{ws}</code> and a reason.
          </p>
          <label>
            Workspace id
            <input value={typed} onInput={(e) => setTyped((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            Reason
            <input
              value={reason}
              onInput={(e) => setReason((e.target as HTMLInputElement).value)}
            />
          </label>
          <ProblemNotice problem={problem} />
          <div class="actions">
            <button
              type="button"
              class="danger"
              disabled={typed !== ws || reason.trim().length === 0}
              onClick={respond}
            >
              Disconnect everything
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </Modal>
      )}
      {report && <BreachReport report={report} />}
    </section>
  );
}

function BreachReport({ report }: { report: Schemas['BreachReportBody'] }) {
  return (
    <article class="report" aria-labelledby="report-title" data-testid="breach-report">
      <h3 id="report-title">Breach report for {report.workspaceId}</h3>
      <p role="status">{report.summary}</p>
      <p>
        Reason: {report.reason}. Started {formatInstant(report.startedAt)}. Token records destroyed:{' '}
        {report.tokenRecordsDestroyed}; scheduled posts failed: {report.scheduledPostsFailed};
        campaigns flagged: {report.campaignsFlagged}. Activity window{' '}
        {formatInstant(report.window.from)} to {formatInstant(report.window.to)}.
      </p>
      <h4>Connections cut</h4>
      <ul>
        {report.connectionsCut.map((c) => (
          <li key={c.connectionId}>
            {c.accountName} ({c.platform}){c.wasMain ? ', main' : ''}; revocation:{' '}
            {report.revocations.find((r) => r.connectionId === c.connectionId)?.status ?? '—'}
          </li>
        ))}
      </ul>
      <h4>What each connection did</h4>
      <ul>
        {report.connections.map((c) => (
          <li key={c.connectionId}>
            {c.accountName ?? c.connectionId}: {c.actions.length} action(s),{' '}
            {c.postsPublished.length} post(s) published
          </li>
        ))}
      </ul>
    </article>
  );
}
