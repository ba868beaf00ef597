import type { RecordedEvent } from '@ledger/event-store';
import { webhookEventsFor, webhookPayloadId } from './webhook-events';

const AT = '2030-01-01T09:00:00.000Z';

function recorded(type: string, data: Record<string, unknown>, id = 'evt-1'): RecordedEvent {
  return {
    id,
    streamId: 'workspace-ws-1',
    revision: 3,
    position: '42',
    type,
    data,
    metadata: {
      actor: { userId: 'u-1', role: 'admin', ip: '203.0.113.9', userAgent: 'agent' },
      correlationId: 'corr-1',
      causationId: null,
      schemaVersion: 1,
    },
    recordedAt: new Date('2030-01-01T09:00:01.000Z'),
  };
}

const base = { workspaceId: 'ws-1', connectionId: 'c-1', platform: 'instagram', at: AT };

describe('webhookEventsFor', () => {
  it.each([
    ['ConnectionExpired', 'connection.expired'],
    ['ConnectionErrored', 'connection.error'],
    ['ConnectionRestored', 'connection.restored'],
  ] as const)('maps %s to %s', (type, webhookType) => {
    expect(webhookEventsFor(recorded(type, { ...base, reason: 'why' }))).toEqual([
      {
        id: webhookPayloadId('evt-1', webhookType),
        type: webhookType,
        workspaceId: 'ws-1',
        connectionId: 'c-1',
        platform: 'instagram',
        reason: 'why',
        occurredAt: AT,
        data: {},
      },
    ]);
  });

  it('maps ConnectionDisconnected with its account, main flag and cause', () => {
    const [payload] = webhookEventsFor(
      recorded('ConnectionDisconnected', {
        ...base,
        platform: 'threads',
        accountId: 'acct-9',
        reason: 'instagram disconnected',
        wasMain: true,
        causedByConnectionId: 'c-ig',
      }),
    );
    expect(payload).toMatchObject({
      type: 'connection.disconnected',
      platform: 'threads',
      data: { accountId: 'acct-9', wasMain: true, causedByConnectionId: 'c-ig' },
    });
    const [plain] = webhookEventsFor(
      recorded('ConnectionDisconnected', { ...base, accountId: 'a', reason: 'r', wasMain: false }),
    );
    expect(plain.data).toEqual({ accountId: 'a', wasMain: false, causedByConnectionId: null });
  });

  it('sends nothing for the other events', () => {
    for (const type of [
      'ConnectionConnected',
      'ConnectionReconnected',
      'MainAccountSet',
      'WorkspacePlanChanged',
      'SomethingNew',
    ]) {
      expect(webhookEventsFor(recorded(type, { ...base, reason: 'r' }))).toEqual([]);
    }
  });

  it('gives the same id for the same event every time, and another for another event', () => {
    const event = recorded('ConnectionExpired', { ...base, reason: 'r' });
    const [a] = webhookEventsFor(event);
    const [b] = webhookEventsFor({ ...event, position: '99', recordedAt: new Date() });
    const [c] = webhookEventsFor(recorded('ConnectionExpired', { ...base, reason: 'r' }, 'evt-2'));
    expect(a.id).toMatch(
      /^whevt_[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(b.id).toBe(a.id);
    expect(c.id).not.toBe(a.id);
    expect(webhookPayloadId('evt-1', 'connection.error')).not.toBe(a.id);
  });

  it('copies only allow-listed fields: never a token, the actor or anything new', () => {
    const [payload] = webhookEventsFor(
      recorded('ConnectionErrored', {
        ...base,
        reason: 'revoked',
        accessToken: 'tok-secret',
        refreshToken: 'refresh-secret',
        tokens: { access: 'x' },
      }),
    );
    const json = JSON.stringify(payload);
    for (const needle of [
      'tok-secret',
      'refresh-secret',
      'tokens',
      '203.0.113.9',
      'u-1',
      'corr-1',
    ]) {
      expect(json).not.toContain(needle);
    }
    expect(Object.keys(payload).sort()).toEqual([
      'connectionId',
      'data',
      'id',
      'occurredAt',
      'platform',
      'reason',
      'type',
      'workspaceId',
    ]);
  });

  it('uses the recording time when an event has no `at`, and refuses one without ids', () => {
    const { at: _at, ...withoutAt } = base;
    const [payload] = webhookEventsFor(recorded('ConnectionExpired', { ...withoutAt, reason: '' }));
    expect(payload.occurredAt).toBe('2030-01-01T09:00:01.000Z');
    expect(() =>
      webhookEventsFor(recorded('ConnectionExpired', { ...base, connectionId: undefined })),
    ).toThrow(/no connectionId/);
    expect(() =>
      webhookEventsFor(recorded('ConnectionExpired', { ...base, platform: 'myspace' })),
    ).toThrow(/platform/);
  });
});
