import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { systemClock } from '@ledger/commands';
import type { TokenVault } from '@ledger/token-vault';
import {
  startLedgerApp,
  type LedgerTestApp,
  type ReadModelBackend,
} from '@ledger/testing/ledger-app';
import {
  selectionTokenRef,
  SELECTION_TTL_MS,
  type PendingSelection,
  type PendingSelectionStore,
} from '@ledger/runtime';
import { PENDING_SELECTIONS, TOKEN_VAULT } from '@ledger/runtime';
import { ExpiredSelectionsJob } from './expired-selections.job';

const BACKENDS: ReadModelBackend[] = ['sqlite', 'ferretdb'];
const WS = 'ws-selection-expiry';
const PAGE = 'page-1';

/**
 * A selection nobody chose expires after 15 minutes; its sealed tokens (the user's, and each
 * Page's own) must go with it: swept by the job, and at once when someone tries to use it.
 */
describe.each(BACKENDS)('expired selections lose their sealed tokens, stores in %s', (backend) => {
  let ledger: LedgerTestApp;
  const selections = () => ledger.app.get<PendingSelectionStore>(PENDING_SELECTIONS);
  const vault = () => ledger.app.get<TokenVault>(TOKEN_VAULT);

  beforeAll(async () => {
    ledger = await startLedgerApp({ readModels: backend });
  });
  afterAll(() => ledger.close());

  /** A Facebook selection as a callback leaves it: the record, and its tokens in the vault. */
  async function sealedSelection(expiresInMs: number): Promise<PendingSelection> {
    const now = Date.now();
    const selection: PendingSelection = {
      // The shape the callback mints: 16 random bytes in base64url.
      id: randomBytes(16).toString('base64url'),
      platform: 'facebook',
      workspaceId: WS,
      userId: 'owner-expiry',
      intent: { kind: 'connect' },
      actor: { role: 'owner', ip: null, userAgent: null },
      accounts: [
        {
          accountId: PAGE,
          accountName: 'Acme Page',
          accountType: 'page',
          connectable: true,
          reason: null,
          refusal: null,
          linkedAccount: null,
          hasAccountToken: true,
        },
      ],
      createdAt: new Date(now + expiresInMs - SELECTION_TTL_MS),
      expiresAt: new Date(now + expiresInMs),
    };
    const tokens = (accessToken: string) => ({
      accessToken,
      refreshToken: null,
      scopes: ['pages_manage_posts'],
      expiresAt: null,
      refreshExpiresAt: null,
    });
    await vault().store(selectionTokenRef(selection), tokens(`user-${randomUUID()}`));
    await vault().store(selectionTokenRef(selection, PAGE), tokens(`page-${randomUUID()}`));
    await selections().save(selection);
    return selection;
  }

  const sealedTokensOf = async (selection: PendingSelection) =>
    [
      await vault().read(selectionTokenRef(selection)),
      await vault().read(selectionTokenRef(selection, PAGE)),
    ].filter((t) => t !== null);

  it('the sweep shreds the tokens of expired selections and leaves live ones', async () => {
    const expired = await sealedSelection(-1000);
    const live = await sealedSelection(SELECTION_TTL_MS);
    const job = new ExpiredSelectionsJob(selections(), vault(), systemClock);

    expect(await job.runOnce()).toBeGreaterThanOrEqual(1);

    expect(await sealedTokensOf(expired)).toEqual([]);
    expect(await sealedTokensOf(live)).toHaveLength(2);
    expect(await job.runOnce()).toBe(0);
  });

  it('choosing from an expired selection answers 404 and shreds its tokens there and then', async () => {
    const expired = await sealedSelection(-1000);
    const owner = ledger.token({ [WS]: 'owner' }, 'owner-expiry');

    const chosen = await request(ledger.server)
      .post(`/v1/workspaces/${WS}/connections/selections/${expired.id}`)
      .set('Authorization', `Bearer ${owner}`)
      .send({ accountIds: [PAGE] });

    expect(chosen.status).toBe(404);
    expect(chosen.body.code).toBe('NOT_FOUND');
    expect(await sealedTokensOf(expired)).toEqual([]);
  });
});
