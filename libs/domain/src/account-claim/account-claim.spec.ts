import { DomainError } from '../errors';
import {
  claimAccount,
  evolveAccountClaim,
  initialAccountClaimState,
  isStaleClaim,
  releaseAccount,
  type AccountClaimEvent,
  type ClaimAccount,
  UNCONFIRMED_CLAIM_GRACE_MS,
} from './account-claim';

const T = '2026-01-01T00:00:00.000Z';
const fold = (events: AccountClaimEvent[]) =>
  events.reduce(evolveAccountClaim, initialAccountClaimState);
const claim = (
  workspaceId: string,
  connectionId: string,
  over: Partial<ClaimAccount> = {},
): ClaimAccount => ({
  type: 'ClaimAccount',
  platform: 'x',
  accountId: '42',
  workspaceId,
  connectionId,
  via: 'oauth',
  holdersWithoutConnection: [],
  now: T,
  ...over,
});
const claimed = (
  workspaceId: string,
  connectionId: string,
  via: 'oauth' | 'copy' = 'oauth',
): AccountClaimEvent => ({
  type: 'AccountClaimed',
  data: { platform: 'x', accountId: '42', workspaceId, connectionId, via, at: T },
});
const released = (workspaceId: string, connectionId: string): AccountClaimEvent => ({
  type: 'AccountReleased',
  data: { platform: 'x', accountId: '42', workspaceId, connectionId, at: T },
});

describe('one workspace per platform account', () => {
  it('claims a free account', () => {
    expect(claimAccount(claim('ws-a', 'c1'), fold([]))).toEqual([claimed('ws-a', 'c1')]);
  });

  it('refuses an account held by another workspace through OAuth', () => {
    const act = () => claimAccount(claim('ws-b', 'c2'), fold([claimed('ws-a', 'c1')]));
    expect(act).toThrow(DomainError);
    expect(act).toThrow(expect.objectContaining({ code: 'ALREADY_CONNECTED_ELSEWHERE' }));
  });

  it('lets a copy share the account with another workspace', () => {
    expect(
      claimAccount(claim('ws-b', 'c2', { via: 'copy' }), fold([claimed('ws-a', 'c1')])),
    ).toEqual([claimed('ws-b', 'c2', 'copy')]);
  });

  it('frees the account once released', () => {
    expect(
      claimAccount(claim('ws-b', 'c2'), fold([claimed('ws-a', 'c1'), released('ws-a', 'c1')])),
    ).toEqual([claimed('ws-b', 'c2')]);
  });

  it('ignores a holder whose connection never appeared, once the grace period is over (a crash left the claim behind)', () => {
    const state = fold([claimed('ws-a', 'c1')]);
    const orphan = { holdersWithoutConnection: [{ workspaceId: 'ws-a', connectionId: 'c1' }] };
    const later = new Date(Date.parse(T) + UNCONFIRMED_CLAIM_GRACE_MS + 1).toISOString();
    const expected = claimed('ws-b', 'c2');
    expect(claimAccount(claim('ws-b', 'c2', { ...orphan, now: later }), state)).toEqual([
      { ...expected, data: { ...expected.data, at: later } },
    ]);
  });

  it('still respects a fresh claim whose connect is in flight', () => {
    const state = fold([claimed('ws-a', 'c1')]);
    const inFlight = { holdersWithoutConnection: [{ workspaceId: 'ws-a', connectionId: 'c1' }] };
    expect(() => claimAccount(claim('ws-b', 'c2', inFlight), state)).toThrow(
      expect.objectContaining({ code: 'ALREADY_CONNECTED_ELSEWHERE' }),
    );
  });

  it('refuses a second connection of the account in the same workspace while the first is live or in flight', () => {
    const state = fold([claimed('ws-a', 'c1')]);
    expect(() => claimAccount(claim('ws-a', 'c2'), state)).toThrow(
      expect.objectContaining({
        code: 'ALREADY_CONNECTED',
        message: expect.stringMatching(/reconnect it instead/),
        details: { platform: 'x', connectionId: 'c1' },
      }),
    );
    const inFlight = { holdersWithoutConnection: [{ workspaceId: 'ws-a', connectionId: 'c1' }] };
    expect(() => claimAccount(claim('ws-a', 'c2', inFlight), state)).toThrow(
      expect.objectContaining({
        code: 'ALREADY_CONNECTED',
        message: expect.stringMatching(/being connected in this workspace/),
      }),
    );
  });

  it('lets a leftover holding in the same workspace be replaced once past the grace period', () => {
    const state = fold([claimed('ws-a', 'c1')]);
    const orphan = { holdersWithoutConnection: [{ workspaceId: 'ws-a', connectionId: 'c1' }] };
    const later = new Date(Date.parse(T) + UNCONFIRMED_CLAIM_GRACE_MS + 1).toISOString();
    expect(claimAccount(claim('ws-a', 'c2', { ...orphan, now: later }), state)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ connectionId: 'c2' }) }),
    ]);
  });

  it('counts a claim as stale only when its connection is absent AND the grace period is over', () => {
    const holding = { workspaceId: 'ws-a', connectionId: 'c1', claimedAt: T };
    const absent = [{ workspaceId: 'ws-a', connectionId: 'c1' }];
    const atGrace = new Date(Date.parse(T) + UNCONFIRMED_CLAIM_GRACE_MS).toISOString();
    const past = new Date(Date.parse(T) + UNCONFIRMED_CLAIM_GRACE_MS + 1).toISOString();
    expect(isStaleClaim(holding, absent, past)).toBe(true);
    expect(isStaleClaim(holding, absent, atGrace)).toBe(false);
    expect(isStaleClaim(holding, [], past)).toBe(false);
    expect(isStaleClaim(holding, [{ workspaceId: 'ws-a', connectionId: 'c9' }], past)).toBe(false);
  });

  it('is idempotent for the same connection', () => {
    expect(claimAccount(claim('ws-a', 'c1'), fold([claimed('ws-a', 'c1')]))).toEqual([]);
  });

  it('releases only the holding connection', () => {
    const state = fold([claimed('ws-a', 'c1')]);
    const release = {
      type: 'ReleaseAccount' as const,
      platform: 'x' as const,
      accountId: '42',
      workspaceId: 'ws-a',
      now: T,
    };
    expect(releaseAccount({ ...release, connectionId: 'other' }, state)).toEqual([]);
    expect(releaseAccount({ ...release, connectionId: 'c1' }, state)).toEqual([
      released('ws-a', 'c1'),
    ]);
  });
});
