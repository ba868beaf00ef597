import type { PlatformSettings } from '../platform-config';
import {
  definePlatform,
  type OAuthPlatform,
  type PlatformOAuthTraits,
} from '../platform-definition';
import { ThreadsIdentityClient } from './threads-identity-client';

/**
 * Threads OAuth (the Authorization Window at threads.com, code exchange at
 * graph.threads.com/oauth/access_token): authorization code flow, comma-separated scopes,
 * the app secret in the token request body, no PKCE (Meta's Threads docs define none).
 * `threads_basic` is required by every Threads endpoint, `threads_content_publish` publishes.
 * A token acts for exactly one Threads profile, so there is nothing to choose.
 */
export const THREADS_OAUTH: PlatformOAuthTraits = {
  platform: 'threads',
  scopes: ['threads_basic', 'threads_content_publish'],
  scopeSeparator: ',',
  pkce: false,
  tokenEndpointAuth: 'client_secret_post',
  selection: false,
};

/** Threads ready for OAuthFlows: its definition and its identity client. */
export function threadsOAuthPlatform(
  settings: PlatformSettings & { clientId: string; clientSecret: string },
  options: { timeoutMs?: number } = {},
): OAuthPlatform {
  return {
    definition: definePlatform(THREADS_OAUTH, settings),
    identityClient: new ThreadsIdentityClient({
      apiUrl: settings.apiUrl,
      clientSecret: settings.clientSecret,
      timeoutMs: options.timeoutMs,
    }),
  };
}
