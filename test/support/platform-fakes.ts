import { randomUUID } from 'node:crypto';
import type { Platform } from '@ledger/domain';
import {
  startFacebookGraphServer,
  startInstagramGraphServer,
  type FacebookGraphServer,
  type GraphFakeFacebookUser,
  type GraphFakeInstagramUser,
  type InstagramGraphServer,
} from './platform-servers/graph-api-server';
import {
  startLinkedInApiServer,
  type LinkedInApiServer,
  type LinkedInMember,
} from './platform-servers/linkedin-api-server';
import {
  startLinkedInOAuthServer,
  type LinkedInOAuthServer,
} from './platform-servers/linkedin-oauth-server';
import { startMetaOAuthServer, type MetaOAuthServer } from './platform-servers/meta-oauth-server';
import {
  startThreadsGraphServer,
  type ThreadsGraphServer,
  type ThreadsProfile,
} from './platform-servers/threads-graph-server';
import {
  startThreadsOAuthServer,
  type ThreadsOAuthServer,
} from './platform-servers/threads-oauth-server';
import {
  startTikTokApiServer,
  type TikTokApiAccount,
  type TikTokApiServer,
} from './platform-servers/tiktok-api-server';
import {
  startTikTokOAuthServer,
  type TikTokOAuthServer,
} from './platform-servers/tiktok-oauth-server';
import { startXApiServer, type XApiServer, type XApiUser } from './platform-servers/x-api-server';
import { startXOAuthServer, type XOAuthServer } from './platform-servers/x-oauth-server';

/** Who the user is at the platform, per platform, in that platform's own shapes. */
export interface PlatformIdentity {
  x: XApiUser;
  facebook: GraphFakeFacebookUser;
  instagram: GraphFakeInstagramUser;
  threads: ThreadsProfile;
  tiktok: TikTokApiAccount;
  linkedin: LinkedInMember;
}

/**
 * Local servers answering like the six platforms' OAuth endpoints and APIs, with the
 * environment that points the API at them and the credentials it uses there.
 */
export interface PlatformFakes {
  env: Record<string, string>;
  /** Client secrets the API was given: none may ever leak. */
  clientSecrets: string[];
  /** Registers who `accessToken` belongs to at `platform`, before the consent issues it. */
  register<P extends Platform>(
    platform: P,
    accessToken: string,
    identity: PlatformIdentity[P],
  ): void;
  x: { oauth: XOAuthServer; api: XApiServer };
  facebook: { oauth: MetaOAuthServer; graph: FacebookGraphServer };
  instagram: { oauth: MetaOAuthServer; graph: InstagramGraphServer };
  threads: { oauth: ThreadsOAuthServer; graph: ThreadsGraphServer };
  tiktok: { oauth: TikTokOAuthServer; api: TikTokApiServer };
  linkedin: { oauth: LinkedInOAuthServer; api: LinkedInApiServer };
  stop(): Promise<void>;
}

const secret = (platform: string) => `${platform}-client-secret-${randomUUID()}`;

export async function startPlatformFakes(publicBaseUrl: string): Promise<PlatformFakes> {
  const redirect = (p: Platform) => [`${publicBaseUrl}/v1/oauth/${p}/callback`];
  const ids = {
    x: 'ledger-x',
    facebook: '1029384756',
    instagram: '5647382910',
    threads: '7788990011',
    tiktok: 'awledgerkey',
    linkedin: '86ledgerli',
  };
  const secrets: Record<Platform, string> = {
    x: secret('x'),
    facebook: secret('facebook'),
    instagram: secret('instagram'),
    threads: secret('threads'),
    tiktok: secret('tiktok'),
    linkedin: secret('linkedin'),
  };
  const x = {
    oauth: await startXOAuthServer({
      clientId: ids.x,
      clientSecret: secrets.x,
      redirectUris: redirect('x'),
    }),
    api: await startXApiServer(),
  };
  const facebook = {
    oauth: await startMetaOAuthServer({
      flavor: 'facebook',
      clientId: ids.facebook,
      clientSecret: secrets.facebook,
      redirectUris: redirect('facebook'),
    }),
    graph: await startFacebookGraphServer({
      clientId: ids.facebook,
      clientSecret: secrets.facebook,
    }),
  };
  const instagram = {
    oauth: await startMetaOAuthServer({
      flavor: 'instagram',
      clientId: ids.instagram,
      clientSecret: secrets.instagram,
      redirectUris: redirect('instagram'),
    }),
    graph: await startInstagramGraphServer({ clientSecret: secrets.instagram }),
  };
  const threadsGraph = await startThreadsGraphServer({ clientSecret: secrets.threads });
  const threads = {
    oauth: await startThreadsOAuthServer({
      clientId: ids.threads,
      clientSecret: secrets.threads,
      redirectUris: redirect('threads'),
      userIdFor: (token) => threadsGraph.profileOf(token)?.id,
    }),
    graph: threadsGraph,
  };
  const tiktokApi = await startTikTokApiServer();
  const tiktok = {
    oauth: await startTikTokOAuthServer({
      clientKey: ids.tiktok,
      clientSecret: secrets.tiktok,
      redirectUris: redirect('tiktok'),
      openIdOf: (token) => tiktokApi.openIdOf(token),
    }),
    api: tiktokApi,
  };
  const linkedin = {
    oauth: await startLinkedInOAuthServer({
      clientId: ids.linkedin,
      clientSecret: secrets.linkedin,
      redirectUris: redirect('linkedin'),
    }),
    api: await startLinkedInApiServer(),
  };

  const env: Record<string, string> = {
    TIKTOK_BUSINESS_API_URL: tiktok.api.baseUrl,
  };
  const urls: Record<Platform, { auth: string; token: string; api: string }> = {
    x: { auth: x.oauth.authorizationUrl, token: x.oauth.tokenUrl, api: x.api.baseUrl },
    facebook: {
      auth: facebook.oauth.authorizationUrl,
      token: facebook.oauth.tokenUrl,
      api: facebook.graph.apiUrl,
    },
    instagram: {
      auth: instagram.oauth.authorizationUrl,
      token: instagram.oauth.tokenUrl,
      api: instagram.graph.apiUrl,
    },
    threads: {
      auth: threads.oauth.authorizationUrl,
      token: threads.oauth.tokenUrl,
      api: threads.graph.apiUrl,
    },
    tiktok: {
      auth: tiktok.oauth.authorizationUrl,
      token: tiktok.oauth.tokenUrl,
      api: tiktok.api.baseUrl,
    },
    linkedin: {
      auth: linkedin.oauth.authorizationUrl,
      token: linkedin.oauth.tokenUrl,
      api: linkedin.api.baseUrl,
    },
  };
  for (const [platform, u] of Object.entries(urls) as [Platform, (typeof urls)[Platform]][]) {
    const prefix = platform.toUpperCase();
    env[`${prefix}_AUTH_URL`] = u.auth;
    env[`${prefix}_TOKEN_URL`] = u.token;
    env[`${prefix}_API_URL`] = u.api;
    env[`${prefix}_CLIENT_ID`] = ids[platform];
    env[`${prefix}_CLIENT_SECRET`] = secrets[platform];
  }

  return {
    env,
    clientSecrets: Object.values(secrets),
    x,
    facebook,
    instagram,
    threads,
    tiktok,
    linkedin,
    register(platform, accessToken, identity) {
      const who = identity as PlatformIdentity[typeof platform];
      switch (platform) {
        case 'x':
          return x.api.registerToken(accessToken, who as XApiUser);
        case 'facebook':
          return facebook.graph.registerUser(accessToken, who as GraphFakeFacebookUser);
        case 'instagram':
          return instagram.graph.registerUser(accessToken, who as GraphFakeInstagramUser);
        case 'threads':
          return threads.graph.registerToken(accessToken, who as ThreadsProfile);
        case 'tiktok':
          return tiktok.api.registerToken(accessToken, who as TikTokApiAccount);
        case 'linkedin':
          return linkedin.api.registerToken(accessToken, who as LinkedInMember);
      }
    },
    async stop() {
      await Promise.all([
        x.oauth.stop(),
        x.api.stop(),
        facebook.oauth.stop(),
        facebook.graph.stop(),
        instagram.oauth.stop(),
        instagram.graph.stop(),
        threads.oauth.stop(),
        threads.graph.stop(),
        tiktok.oauth.stop(),
        tiktok.api.stop(),
        linkedin.oauth.stop(),
        linkedin.api.stop(),
      ]);
    },
  };
}
