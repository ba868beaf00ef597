import { DomainError } from '../errors';
import type { WorkspaceEvent } from '../events';
import { connected, WS } from '../testing/given-when-then';
import { foldWorkspace } from '../workspace/state';
import { copiedAccount, copySource } from './copy-connection';

const source = connected({ connectionId: 'src', accountId: '777', accountName: 'Copy Me' });
const disconnected: WorkspaceEvent = {
  type: 'ConnectionDisconnected',
  data: {
    workspaceId: WS,
    connectionId: 'src',
    platform: 'x',
    accountId: '777',
    reason: 'user request',
    wasMain: false,
    causedByConnectionId: null,
    at: source.data.at,
  },
};

const refusal = (act: () => unknown): DomainError => {
  try {
    act();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('not refused');
};

describe('copying a connection to another workspace', () => {
  it('starts from a connection of the source workspace', () => {
    expect(copySource(foldWorkspace([source]), 'src')).toMatchObject({ accountId: '777' });
    const unknown = refusal(() => copySource(foldWorkspace([source]), 'other'));
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', details: { connectionId: 'other' } });
    // An id Object.prototype answers is no connection either.
    expect(refusal(() => copySource(foldWorkspace([source]), 'constructor')).code).toBe(
      'NOT_FOUND',
    );
  });

  it('completes only while the source is still connected, on the same platform', () => {
    expect(copySource(foldWorkspace([source]), 'src', 'x').id).toBe('src');
    const gone = refusal(() => copySource(foldWorkspace([source, disconnected]), 'src', 'x'));
    expect(gone).toMatchObject({ code: 'NOT_FOUND' });
    expect(gone.message).toMatch(/disconnected meanwhile/);
    expect(refusal(() => copySource(foldWorkspace([source]), 'src', 'facebook')).code).toBe(
      'NOT_FOUND',
    );
  });

  it('takes the signed-in account only when it is the one being copied', () => {
    const state = foldWorkspace([source]);
    const src = copySource(state, 'src');
    const signedIn = [{ accountId: '1' }, { accountId: '777' }];
    expect(copiedAccount(src, signedIn)).toBe(signedIn[1]);
    const mismatch = refusal(() => copiedAccount(src, [{ accountId: '1' }]));
    expect(mismatch).toMatchObject({
      code: 'COPY_ACCOUNT_MISMATCH',
      details: { platform: 'x', expectedAccountName: 'Copy Me' },
    });
  });
});
