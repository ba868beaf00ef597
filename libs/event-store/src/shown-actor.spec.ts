import { shownActor } from './shown-actor';

describe('the actor as the trail shows it', () => {
  it('shows a system reason stored in its own field', () => {
    expect(
      shownActor({ userId: 'system', role: 'system', ip: null, userAgent: null, reason: 'x' }),
    ).toEqual({ userId: 'system', role: 'system', ip: null, userAgent: null, reason: 'x' });
  });

  it('reads the reason of events stored before it had a field out of the user agent', () => {
    expect(
      shownActor({ userId: 'system', role: 'system', ip: null, userAgent: 'token refresh' }),
    ).toEqual({
      userId: 'system',
      role: 'system',
      ip: null,
      userAgent: null,
      reason: 'token refresh',
    });
  });

  it("leaves a user's user agent alone", () => {
    const user = { userId: 'u-1', role: 'owner', ip: '10.0.0.1', userAgent: 'curl/8' };
    expect(shownActor(user)).toEqual({ ...user, reason: null });
  });
});
