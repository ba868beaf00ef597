import { LINKEDIN_OAUTH } from '@ledger/platforms';
import { bearerToken, ok, type SandboxAnswer, type SandboxPlatform } from '../sandbox-platform';

/** The member (OpenID Connect userinfo) and the one company page they administer. */
export const SANDBOX_LINKEDIN_MEMBER = {
  sub: 'SandboxMember01',
  name: 'Sandbox Sam',
  given_name: 'Sandbox',
  family_name: 'Sam',
  email: 'sam@sandbox.invalid',
  email_verified: true,
  locale: { country: 'US', language: 'en' },
};
export const SANDBOX_LINKEDIN_ORGANIZATION = {
  id: 90000001,
  localizedName: 'Sandbox Corp',
  vanityName: 'sandbox-corp',
};

/**
 * LinkedIn: the token answer, OpenID Connect `GET /v2/userinfo`, Community Management
 * `GET /rest/organizationAcls?q=roleAssignee` and BATCH_GET `GET /rest/organizations?ids=List(..)`.
 */
export const sandboxLinkedIn: SandboxPlatform = {
  label: 'LinkedIn',
  traits: LINKEDIN_OAUTH,
  accessTokenTtl: 60 * 86_400,
  refreshTokenTtl: null,
  accounts: [
    `${SANDBOX_LINKEDIN_MEMBER.name} (personal profile)`,
    `${SANDBOX_LINKEDIN_ORGANIZATION.localizedName} (company page, you are an administrator)`,
  ],
  tokenAnswer: (grant) => ({
    access_token: grant.accessToken,
    expires_in: grant.expiresIn,
    scope: grant.scope.join(','),
    token_type: 'Bearer',
  }),
  api(request) {
    if (!request.grantOf(bearerToken(request.headers))) {
      return failure(401, 'INVALID_ACCESS_TOKEN', 'Invalid access token');
    }
    const q = request.query;
    switch (request.path) {
      case 'v2/userinfo':
        return ok(SANDBOX_LINKEDIN_MEMBER);
      case 'rest/organizationAcls': {
        if (q.get('q') !== 'roleAssignee')
          return failure(400, 'ILLEGAL_ARGUMENT', 'Unsupported finder');
        const start = Number(q.get('start') ?? 0) || 0;
        const count = Number(q.get('count') ?? 10) || 10;
        const all = [
          {
            role: 'ADMINISTRATOR',
            state: 'APPROVED',
            roleAssignee: `urn:li:person:${SANDBOX_LINKEDIN_MEMBER.sub}`,
            organization: `urn:li:organization:${SANDBOX_LINKEDIN_ORGANIZATION.id}`,
          },
        ];
        return ok({
          paging: { start, count, links: [], total: all.length },
          elements: all.slice(start, start + count),
        });
      }
      case 'rest/organizations': {
        const ids = /^List\(([\d,]*)\)$/.exec(q.get('ids') ?? '')?.[1]?.split(',') ?? [];
        const known = String(SANDBOX_LINKEDIN_ORGANIZATION.id);
        const results = ids.includes(known) ? { [known]: SANDBOX_LINKEDIN_ORGANIZATION } : {};
        const errors = Object.fromEntries(
          ids.filter((id) => id !== known).map((id) => [id, { status: 404, code: 'NOT_FOUND' }]),
        );
        return ok({ results, statuses: {}, errors });
      }
      default:
        return failure(404, 'NOT_FOUND', `No virtual resource found for /${request.path}`);
    }
  },
};

function failure(status: number, code: string, message: string): SandboxAnswer {
  return { status, body: { status, code, message } };
}
