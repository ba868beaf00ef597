import type { Platform } from '@ledger/domain';
import { startPlatformFakes, type PlatformFakes } from '@ledger/testing/platform-fakes';
import { loadPlatformsConfig } from '../platform-config';
import type { ProbedConnection } from './health-probe';
import { ConfiguredPlatforms } from '../configured-platforms';

/** The probes of the platforms the job spec does not drive, against the local platform fakes. */
describe('health probes (local platform fakes)', () => {
  let fakes: PlatformFakes;
  let platforms: ConfiguredPlatforms;

  const connection = (
    platform: Platform,
    accessToken: string,
    account: Pick<ProbedConnection, 'accountId' | 'accountName' | 'accountType'>,
  ): ProbedConnection => ({
    platform,
    ...account,
    tokens: {
      accessToken,
      refreshToken: null,
      scopes: [],
      expiresAt: null,
      refreshExpiresAt: null,
    },
  });
  const probe = (c: ProbedConnection) => platforms.get(c.platform).health!.probe(c);

  beforeAll(async () => {
    fakes = await startPlatformFakes('http://127.0.0.1:3999');
    const env = { ...fakes.env, PUBLIC_BASE_URL: 'http://127.0.0.1:3999' };
    platforms = ConfiguredPlatforms.fromConfig(loadPlatformsConfig(env), env);
  });
  afterAll(() => fakes.stop());

  it('has a probe for each of the six configured platforms', () => {
    expect(platforms.all.flatMap((p) => (p.health ? [p.id] : [])).sort()).toEqual(
      ['facebook', 'instagram', 'linkedin', 'threads', 'tiktok', 'x'].sort(),
    );
  });

  it('Instagram: healthy while GET /me answers the account; a dead token expires it', async () => {
    fakes.register('instagram', 'ig-ok', {
      user_id: '17841400000000001',
      username: 'acme',
      account_type: 'BUSINESS',
    });
    const account = {
      accountId: '17841400000000001',
      accountName: 'acme',
      accountType: 'business',
    };
    expect(await probe(connection('instagram', 'ig-ok', account))).toEqual({
      kind: 'healthy',
      accountName: 'acme',
      renamed: false,
    });
    expect(await probe(connection('instagram', 'ig-unknown', account))).toMatchObject({
      kind: 'expired',
    });
  });

  it('Threads: a renamed profile is healthy and renamed; a 503 is transient', async () => {
    fakes.register('threads', 'th-ok', { id: '2233445566', username: 'acme.new' });
    const account = { accountId: '2233445566', accountName: 'acme', accountType: 'profile' };
    expect(await probe(connection('threads', 'th-ok', account))).toEqual({
      kind: 'healthy',
      accountName: 'acme.new',
      renamed: true,
    });
    fakes.threads.graph.scriptResponse('th-ok', { status: 503, body: 'Service Unavailable' });
    expect(await probe(connection('threads', 'th-ok', account))).toMatchObject({
      kind: 'transient',
    });
  });

  it('TikTok: healthy for its business account; an account that is no longer business is an error', async () => {
    fakes.register('tiktok', 'tt-ok', {
      open_id: 'open-1',
      display_name: 'Acme',
      username: 'acme',
      is_business_account: true,
    });
    const ok = await probe(
      connection('tiktok', 'tt-ok', {
        accountId: 'open-1',
        accountName: 'acme',
        accountType: 'business',
      }),
    );
    expect(ok.kind).toBe('healthy');
    fakes.register('tiktok', 'tt-personal', {
      open_id: 'open-2',
      display_name: 'Me',
      username: 'me',
      is_business_account: false,
    });
    expect(
      await probe(
        connection('tiktok', 'tt-personal', {
          accountId: 'open-2',
          accountName: 'me',
          accountType: 'business',
        }),
      ),
    ).toMatchObject({ kind: 'error' });
  });

  it('LinkedIn: a person is healthy; a company page the member no longer administers is an error', async () => {
    fakes.linkedin.api.registerOrganization({ id: 4242, localizedName: 'Acme Corp' });
    fakes.register('linkedin', 'li-admin', {
      userinfo: { sub: 'abc123', name: 'Pat Doe' },
      roles: [{ organizationId: 4242, role: 'ADMINISTRATOR' }],
    });
    fakes.register('linkedin', 'li-former', {
      userinfo: { sub: 'def456', name: 'Sam Roe' },
      roles: [{ organizationId: 4242, role: 'ADMINISTRATOR', state: 'REVOKED' }],
    });
    const person = await probe(
      connection('linkedin', 'li-admin', {
        accountId: 'urn:li:person:abc123',
        accountName: 'Pat Doe',
        accountType: 'personal',
      }),
    );
    expect(person).toMatchObject({ kind: 'healthy', renamed: false });
    const company = {
      accountId: 'urn:li:organization:4242',
      accountName: 'Acme Corp',
      accountType: 'company',
    };
    expect(await probe(connection('linkedin', 'li-admin', company))).toMatchObject({
      kind: 'healthy',
    });
    expect(await probe(connection('linkedin', 'li-former', company))).toMatchObject({
      kind: 'error',
      code: 'ACCOUNT_NOT_ADMINISTERED',
      reason: expect.stringMatching(/admin/i),
    });
  });
});
