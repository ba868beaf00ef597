import { Logger } from '@nestjs/common';
import { FakeClock } from '../../../../libs/webhooks/src/testing/harness';
import type { LedgerRequest } from './ledger-request';
import { SecurityLog } from './security-log';
import { CapturingLogger } from './testing/test-app';

const T0 = new Date('2030-01-01T09:00:00.000Z');
const FORBIDDEN = { status: 403, code: 'FORBIDDEN' };

function refusal(ip: string, userId?: string): LedgerRequest {
  return {
    method: 'GET',
    originalUrl: '/v1/workspaces/ws-a/connections?token=abc',
    params: { ws: 'ws-a' },
    headers: { 'user-agent': 'x'.repeat(5000), authorization: 'Bearer the-token' },
    ip,
    ...(userId ? { auth: { userId, workspaces: {} } } : {}),
  } as unknown as LedgerRequest;
}

describe('SecurityLog: structured, rate-limited per caller (Nest logger captured, fake clock)', () => {
  let logs: CapturingLogger;
  let clock: FakeClock;
  const lines = () =>
    logs.lines
      .filter((l) => l.endsWith(' SecurityLog'))
      .map((l) => JSON.parse(l.slice('warn '.length, -' SecurityLog'.length)));

  beforeEach(() => {
    logs = new CapturingLogger();
    Logger.overrideLogger(logs);
    clock = new FakeClock(T0);
  });

  it('writes one JSON line per refusal: no query string, no token, fields capped', () => {
    new SecurityLog(clock).refused(refusal('198.51.100.7'), FORBIDDEN);
    expect(lines()).toEqual([
      {
        event: 'security.refused',
        code: 'FORBIDDEN',
        status: 403,
        method: 'GET',
        path: '/v1/workspaces/ws-a/connections',
        workspaceId: 'ws-a',
        userId: null,
        ip: '198.51.100.7',
        userAgent: 'x'.repeat(200),
        correlationId: null,
        at: T0.toISOString(),
      },
    ]);
    expect(logs.text).not.toContain('the-token');
  });

  it('after the limit counts instead of logging, and reports the count when the window ends', () => {
    const log = new SecurityLog(clock, { perCaller: 3, windowMs: 60_000, maxCallers: 100 });
    for (let i = 0; i < 10; i += 1) log.refused(refusal('198.51.100.7'), FORBIDDEN);
    log.refused(refusal('198.51.100.8'), FORBIDDEN);
    expect(lines().map((l) => [l.event, l.ip ?? l.caller])).toEqual([
      ['security.refused', '198.51.100.7'],
      ['security.refused', '198.51.100.7'],
      ['security.refused', '198.51.100.7'],
      ['security.rate_limited', 'ip:198.51.100.7'],
      ['security.refused', '198.51.100.8'],
    ]);
    clock.advance(59_999);
    log.sweep();
    expect(lines().filter((l) => l.event === 'security.suppressed')).toEqual([]);
    clock.advance(1);
    log.sweep();
    expect(lines().filter((l) => l.event === 'security.suppressed')).toEqual([
      {
        event: 'security.suppressed',
        caller: 'ip:198.51.100.7',
        suppressed: 7,
        from: T0.toISOString(),
        to: new Date(T0.getTime() + 60_000).toISOString(),
      },
    ]);
    // A new window: logged again.
    log.refused(refusal('198.51.100.7'), FORBIDDEN);
    expect(lines().at(-1)).toMatchObject({ event: 'security.refused', ip: '198.51.100.7' });
  });

  it('keys an authenticated caller by user, whatever IP they come from', () => {
    const log = new SecurityLog(clock, { perCaller: 2, windowMs: 60_000, maxCallers: 100 });
    for (let i = 0; i < 5; i += 1) log.refused(refusal(`198.51.100.${i}`, 'mallory'), FORBIDDEN);
    log.flush();
    expect(lines().filter((l) => l.event === 'security.refused')).toHaveLength(2);
    expect(lines().at(-1)).toMatchObject({ caller: 'user:mallory', suppressed: 3 });
  });

  it('tracks a bounded number of callers, flushing the oldest first', () => {
    const log = new SecurityLog(clock, { perCaller: 1, windowMs: 60_000, maxCallers: 2 });
    log.refused(refusal('198.51.100.1'), FORBIDDEN);
    log.refused(refusal('198.51.100.1'), FORBIDDEN);
    log.refused(refusal('198.51.100.2'), FORBIDDEN);
    log.refused(refusal('198.51.100.3'), FORBIDDEN);
    // The third caller pushes out the first, whose count is written then.
    expect(lines().slice(-2)).toEqual([
      expect.objectContaining({ event: 'security.suppressed', caller: 'ip:198.51.100.1' }),
      expect.objectContaining({ event: 'security.refused', ip: '198.51.100.3' }),
    ]);
    log.flush();
    expect(lines().filter((l) => l.event === 'security.suppressed')).toHaveLength(1);
  });
});
