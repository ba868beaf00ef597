import { useEffect, useState } from 'preact/hooks';
import {
  ok,
  PLANS,
  PLATFORM_LABELS,
  type Api,
  type Plan,
  type Platform,
  type Problem,
  type Schemas,
} from '../api/client';
import type { PageProps } from '../main';
import { may, whyNot, type Session } from '../session';
import { helpFor } from '../troubleshooting-codes';
import { asProblem, Guarded, Modal, ProblemNotice, StatusIcon, useLoad } from '../ui';

/** The outcome the OAuth callback sent the browser back with. */
export interface OAuthReturn {
  result: 'connected' | 'selection' | 'error';
  code: string | null;
  selectionId: string | null;
  connectionIds: string[];
}

/** Where the callback sends the browser back (the API always allows its own /console/). */
export const consoleReturnTo = () => `${location.origin}/console/`;

/** Starts an OAuth flow: the start answer binds it to this browser; then off to consent. */
export async function goToConsent(
  start: Promise<{ authorizationUrl: string }>,
  onProblem: (problem: Problem) => void,
): Promise<void> {
  try {
    const { authorizationUrl } = await start;
    location.assign(authorizationUrl);
  } catch (error) {
    onProblem(asProblem(error));
  }
}

interface Limit {
  plan: Plan;
  limit: number;
  platform?: Platform;
}

export function IntegrationsPage(props: PageProps & { oauthReturn: OAuthReturn | null }) {
  const { api, session } = props;
  const ws = session.workspaceId;
  const { data, problem, reload } = useLoad(async () => {
    const params = { path: { ws } };
    const [integrations, connections] = await Promise.all([
      ok(api.GET('/v1/workspaces/{ws}/integrations', { params })),
      ok(api.GET('/v1/workspaces/{ws}/connections', { params })),
    ]);
    return { integrations, connections };
  }, [api, ws]);
  const [actionProblem, setActionProblem] = useState<Problem | null>(null);
  const [upgrade, setUpgrade] = useState<Limit | null>(null);
  const [selectionId, setSelectionId] = useState<string | null>(
    props.oauthReturn?.result === 'selection' ? props.oauthReturn.selectionId : null,
  );
  const [notice, setNotice] = useState<string | null>(
    props.oauthReturn?.result === 'connected'
      ? `Connected ${props.oauthReturn.connectionIds.length} account(s).`
      : null,
  );
  useEffect(() => {
    const back = props.oauthReturn;
    if (back?.result !== 'error' || !back.code) return;
    const help = helpFor(back.code);
    setActionProblem({
      type: 'about:blank',
      title: help?.title ?? 'Connecting failed',
      detail: help?.todo ?? '',
      status: 0,
      code: back.code,
    });
  }, [props.oauthReturn]);

  const addAccount = (card: Schemas['PlatformCardBody']) => {
    setActionProblem(null);
    if (card.limit !== null && card.connected >= card.limit && data) {
      return setUpgrade({
        plan: data.integrations.plan,
        limit: card.limit,
        platform: card.platform,
      });
    }
    void goToConsent(
      ok(
        api.POST('/v1/workspaces/{ws}/connections/oauth/{platform}', {
          params: { path: { ws, platform: card.platform } },
          body: { returnTo: consoleReturnTo() },
        }),
      ),
      setActionProblem,
    );
  };

  return (
    <section>
      <h1>Integrations</h1>
      {data && (
        <p>
          Plan: <strong data-testid="plan">{data.integrations.plan}</strong>
        </p>
      )}
      {notice && (
        <p class="notice success" role="status">
          {notice}
        </p>
      )}
      <ProblemNotice problem={problem ?? actionProblem} />
      <div class="cards">
        {data?.integrations.platforms.map((card) => (
          <article class="card" key={card.platform} aria-labelledby={`card-${card.platform}`}>
            <h2 id={`card-${card.platform}`}>{PLATFORM_LABELS[card.platform]}</h2>
            <p class="count">
              {card.connected} of {card.limit ?? 'unlimited'} connected
            </p>
            <ul class="accounts">
              {data.connections
                .filter((connection) => connection.platform === card.platform)
                .map((connection) => (
                  <li key={connection.id}>
                    {connection.isMain ? (
                      <span class="star" role="img" aria-label="Main account" title="Main account">
                        ★
                      </span>
                    ) : (
                      <span class="star-space" aria-hidden="true" />
                    )}
                    <a href={`#/connections/${connection.id}`}>{connection.accountName}</a>
                    <StatusIcon status={connection.status} reason={connection.statusReason} />
                  </li>
                ))}
            </ul>
            <Guarded
              allowed={may(session, 'manage')}
              reason={whyNot(session, 'manage')}
              onClick={() => addAccount(card)}
            >
              Add {PLATFORM_LABELS[card.platform]} account
            </Guarded>
          </article>
        ))}
      </div>
      {upgrade && (
        <UpgradeModal
          api={api}
          session={session}
          limit={upgrade}
          onClose={() => setUpgrade(null)}
          onChanged={() => {
            setUpgrade(null);
            reload();
          }}
        />
      )}
      {selectionId && (
        <SelectionModal
          api={api}
          ws={ws}
          selectionId={selectionId}
          onClose={() => setSelectionId(null)}
          onLimit={(limit) => {
            setSelectionId(null);
            setUpgrade(limit);
          }}
          onConnected={(text) => {
            setSelectionId(null);
            setNotice(text);
            reload();
          }}
        />
      )}
    </section>
  );
}

/** At the plan limit: names the plan, its limit and the next plan; an owner changes it here. */
function UpgradeModal(props: {
  api: Api;
  session: Session;
  limit: Limit;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { plan, limit, platform } = props.limit;
  const higher = PLANS.slice(PLANS.indexOf(plan) + 1);
  const [chosen, setChosen] = useState<Plan | undefined>(higher[0]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const change = async () => {
    if (!chosen) return;
    try {
      await ok(
        props.api.PUT('/v1/workspaces/{ws}/plan', {
          params: { path: { ws: props.session.workspaceId } },
          body: { plan: chosen },
        }),
      );
      props.onChanged();
    } catch (error) {
      setProblem(asProblem(error));
    }
  };
  return (
    <Modal title="Plan limit reached" onClose={props.onClose}>
      <p>
        The <strong>{plan}</strong> plan allows {limit} account{limit === 1 ? '' : 's'}
        {platform ? ` on ${PLATFORM_LABELS[platform]}` : ' per platform'}.{' '}
        {higher[0] ? (
          <>
            The next plan is <strong data-testid="next-plan">{higher[0]}</strong>.
          </>
        ) : (
          'There is no higher plan.'
        )}
      </p>
      {higher.length > 0 && (
        <label>
          New plan
          <select
            value={chosen}
            onChange={(event) => setChosen((event.target as HTMLSelectElement).value as Plan)}
          >
            {higher.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
      )}
      <ProblemNotice problem={problem} />
      <div class="actions">
        <Guarded
          class="primary"
          allowed={may(props.session, 'changePlan') && higher.length > 0}
          reason={whyNot(props.session, 'changePlan')}
          onClick={change}
        >
          Change plan
        </Guarded>
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}

/** Facebook Pages, LinkedIn pages: choose which to connect; the others greyed with why. */
function SelectionModal(props: {
  api: Api;
  ws: string;
  selectionId: string;
  onClose: () => void;
  onLimit: (limit: Limit) => void;
  onConnected: (text: string) => void;
}) {
  const path = { ws: props.ws, id: props.selectionId };
  const { data, problem: loadProblem } = useLoad(
    () =>
      ok(props.api.GET('/v1/workspaces/{ws}/connections/selections/{id}', { params: { path } })),
    [props.selectionId],
  );
  const [chosen, setChosen] = useState<string[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const connect = async () => {
    try {
      const outcome = await ok(
        props.api.POST('/v1/workspaces/{ws}/connections/selections/{id}', {
          params: { path },
          body: { accountIds: chosen },
        }),
      );
      const refused = outcome.refused.map((r) => `${r.accountId}: ${r.detail}`).join('; ');
      props.onConnected(
        `Connected ${outcome.connections.length} account(s).${refused ? ` Refused: ${refused}` : ''}`,
      );
    } catch (error) {
      const refusal = asProblem(error);
      if (refusal.code === 'PLAN_LIMIT_REACHED' && refusal.plan && refusal.limit !== undefined) {
        return props.onLimit({
          plan: refusal.plan,
          limit: refusal.limit,
          platform: refusal.platform,
        });
      }
      setProblem(refusal);
    }
  };
  return (
    <Modal title="Choose the accounts to connect" onClose={props.onClose}>
      <ProblemNotice problem={loadProblem ?? problem} />
      <fieldset>
        <legend>Accounts you can manage</legend>
        {data?.accounts.map((account) => (
          <div
            key={account.accountId}
            class={account.connectable ? 'choice' : 'choice unavailable'}
          >
            <label>
              <input
                type="checkbox"
                disabled={!account.connectable}
                checked={chosen.includes(account.accountId)}
                aria-describedby={account.reason ? `reason-${account.accountId}` : undefined}
                onChange={(event) => {
                  const on = (event.target as HTMLInputElement).checked;
                  setChosen((ids) =>
                    on ? [...ids, account.accountId] : ids.filter((id) => id !== account.accountId),
                  );
                }}
              />
              {account.accountName} <small>({account.accountType})</small>
            </label>
            {account.reason && (
              <small class="why" id={`reason-${account.accountId}`}>
                {account.reason}
              </small>
            )}
          </div>
        ))}
      </fieldset>
      <div class="actions">
        <button type="button" class="primary" disabled={chosen.length === 0} onClick={connect}>
          Connect selected
        </button>
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
