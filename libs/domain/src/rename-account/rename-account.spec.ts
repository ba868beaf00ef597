import { connectionsTouchedBy } from '../events';
import { connected, given, T1, WS } from '../testing/given-when-then';
import { foldWorkspace } from '../workspace/state';

const a = connected({ connectionId: 'a', accountName: 'Acme Bakery' });
const rename = (accountName: string) => ({
  type: 'RecordAccountRenamed' as const,
  workspaceId: WS,
  connectionId: 'a',
  accountName,
  now: T1,
});
const renamed = {
  type: 'ConnectionRenamed' as const,
  data: {
    workspaceId: WS,
    connectionId: 'a',
    platform: 'x' as const,
    previousName: 'Acme Bakery',
    accountName: 'Acme Bakery & Café',
    at: T1,
  },
};

describe('record an account renamed at its platform', () => {
  it('records the new name with the previous one', () => {
    given([a]).when(rename('Acme Bakery & Café')).then([renamed]);
  });

  it('gives the connection the new name and a new version (a visible field changed)', () => {
    const before = foldWorkspace([a]).connections.a;
    const after = foldWorkspace([a, renamed]).connections.a;
    expect(after).toMatchObject({ accountName: 'Acme Bakery & Café', status: 'active' });
    expect(after.version).toBe(before.version + 1);
    expect(connectionsTouchedBy(renamed)).toEqual(['a']);
  });

  it('records nothing when the name is unchanged', () => {
    given([a]).when(rename('Acme Bakery')).then([]);
    given([a, renamed]).when(rename('Acme Bakery & Café')).then([]);
  });

  it('takes the name the previous rename left as the previous name', () => {
    given([a, renamed])
      .when(rename('Acme'))
      .then([
        {
          ...renamed,
          data: { ...renamed.data, previousName: 'Acme Bakery & Café', accountName: 'Acme' },
        },
      ]);
  });

  it('refuses a disconnected or unknown connection', () => {
    const gone = {
      type: 'ConnectionDisconnected' as const,
      data: {
        workspaceId: WS,
        connectionId: 'a',
        platform: 'x' as const,
        accountId: a.data.accountId,
        reason: 'user',
        wasMain: false,
        at: T1,
      },
    };
    given([a, gone]).when(rename('New')).thenRefused('NOT_FOUND');
    given([]).when(rename('New')).thenRefused('NOT_FOUND');
  });
});
