import type { CommandContext } from '@ledger/commands';
import { account, completedOAuth } from '../connect-account/testing/completed-oauth';
import { handlerApp, refusalOf } from '../connect-account/testing/handler-app';
import { ChooseAccountsCommand, type ChooseAccountsOutcome } from './choose-accounts.handler';
import { OfferSelectionCommand } from './offer-selection.handler';
import type { OfferedSelection } from './offered-selection';
import { selectionTokenRef } from '@ledger/runtime';

describe('OfferSelectionHandler and ChooseAccountsHandler (real app, SQLite)', () => {
  const app = handlerApp();
  const choose = (
    workspaceId: string,
    selectionId: string,
    accountIds: string[],
    context: CommandContext,
  ) =>
    app
      .bus()
      .execute<ChooseAccountsCommand, ChooseAccountsOutcome>(
        new ChooseAccountsCommand(workspaceId, selectionId, accountIds, context),
      );

  async function offer(workspaceId: string) {
    const completed = completedOAuth({
      platform: 'linkedin',
      workspaceId,
      identities: [
        // One workspace per account: each test's member is its own.
        account(`urn:li:person:${workspaceId}`, { accountType: 'personal' }),
        account('urn:li:organization:2', {
          accountType: 'company',
          accountToken: { accessToken: 'page-own-token', expiresAt: null },
        }),
        account('urn:li:organization:3', {
          accountType: 'company',
          refusal: { code: 'INSUFFICIENT_PERMISSIONS', reason: 'You are not an admin' },
        }),
      ],
    });
    const selection = await app
      .bus()
      .execute<OfferSelectionCommand, OfferedSelection>(new OfferSelectionCommand(completed));
    return { completed, selection, context: app.contextOf(completed) };
  }

  it('offers every account with whether it can be connected, its tokens sealed in the vault', async () => {
    const { completed, selection } = await offer('ws-offer');
    expect(selection.accounts).toEqual([
      expect.objectContaining({
        accountId: 'urn:li:person:ws-offer',
        connectable: true,
        reason: null,
      }),
      expect.objectContaining({ accountId: 'urn:li:organization:2', connectable: true }),
      expect.objectContaining({
        accountId: 'urn:li:organization:3',
        connectable: false,
        reason: 'You are not an admin',
      }),
    ]);
    const sealed = { id: selection.id, workspaceId: 'ws-offer' };
    expect((await app.vault().read(selectionTokenRef(sealed)))?.accessToken).toBe(
      completed.tokens.accessToken,
    );
    expect(
      (await app.vault().read(selectionTokenRef(sealed, 'urn:li:organization:2')))?.accessToken,
    ).toBe('page-own-token');
    // GET on the selection shows the same accounts.
    expect(await app.offers().find('ws-offer', selection.id, 'user-1')).toEqual(selection);
  });

  it('connects the chosen accounts, each with its own token where it has one, then shreds the selection', async () => {
    await app.changePlan('ws-choose', 'starter');
    const { selection, context } = await offer('ws-choose');

    const outcome = await choose(
      'ws-choose',
      selection.id,
      ['urn:li:person:ws-choose', 'urn:li:organization:2'],
      context,
    );

    expect(outcome.refused).toEqual([]);
    const [person, page] = outcome.connections;
    expect(
      (await app.vault().read({ workspaceId: 'ws-choose', connectionId: page!.id }))?.accessToken,
    ).toBe('page-own-token');
    expect(person!.accountId).toBe('urn:li:person:ws-choose');
    const sealed = { id: selection.id, workspaceId: 'ws-choose' };
    expect(await app.vault().read(selectionTokenRef(sealed))).toBeNull();
    // Used once: a second choice finds nothing.
    expect(
      await refusalOf(choose('ws-choose', selection.id, ['urn:li:person:ws-choose'], context)),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses an id that was not offered, or one that cannot be connected, and keeps the selection open', async () => {
    const { selection, context } = await offer('ws-choose-wrong');
    const chooseHere = (ids: string[]) => choose('ws-choose-wrong', selection.id, ids, context);

    expect(await refusalOf(chooseHere(['urn:li:person:404']))).toMatchObject({
      problem: { status: 400, code: 'VALIDATION_FAILED' },
    });
    expect(await refusalOf(chooseHere(['urn:li:organization:3']))).toMatchObject({
      code: 'INSUFFICIENT_PERMISSIONS',
    });
    const outcome = await chooseHere(['urn:li:person:ws-choose-wrong']);
    expect(outcome.connections.map((c) => c.accountId)).toEqual(['urn:li:person:ws-choose-wrong']);
  });

  it('is as unknown to another user as an expired one, and stays open for its own user', async () => {
    const { selection, context } = await offer('ws-choose-other');
    const stranger = { ...context, actor: { ...context.actor, userId: 'user-2' } };
    expect(
      await refusalOf(
        choose('ws-choose-other', selection.id, ['urn:li:person:ws-choose-other'], stranger),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await refusalOf(app.offers().find('ws-choose-other', selection.id, 'user-2')),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      (await app.offers().find('ws-choose-other', selection.id, 'user-1')).accounts,
    ).toHaveLength(3);
  });
});
