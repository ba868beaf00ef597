import { randomBytes } from 'node:crypto';
import { PLATFORMS, type Platform } from '@ledger/domain';
import { redirectUriFor } from '@ledger/platforms';
import type { AppConfig } from '../config/app-config';
import { SandboxGrants } from './sandbox-grants';

export interface SandboxClient {
  id: string;
  /** Random per process: nothing outside this process can use the sandbox app. */
  secret: string;
}

/**
 * Which platforms run in the sandbox: outside production, those without client credentials.
 * In production, none, whatever the configuration says. Holds the sandbox apps' credentials
 * and the codes and tokens the sandbox issued.
 */
export class Sandbox {
  readonly grants = new SandboxGrants();
  private readonly clients: ReadonlyMap<Platform, SandboxClient>;

  private constructor(
    private readonly publicBaseUrl: string,
    platforms: readonly Platform[],
  ) {
    this.clients = new Map(
      platforms.map((p) => [
        p,
        { id: `sandbox-${p}`, secret: randomBytes(32).toString('base64url') },
      ]),
    );
  }

  static forConfig(config: AppConfig): Sandbox {
    if (config.isProduction) return new Sandbox(config.publicBaseUrl, []);
    const unconfigured = PLATFORMS.filter(
      (p) => !config.platforms[p].clientId || !config.platforms[p].clientSecret,
    );
    return new Sandbox(config.publicBaseUrl, unconfigured);
  }

  get platforms(): Platform[] {
    return [...this.clients.keys()];
  }

  has(platform: string): platform is Platform {
    return this.clients.has(platform as Platform);
  }

  client(platform: Platform): SandboxClient | undefined {
    return this.clients.get(platform);
  }

  baseUrl(platform: Platform): string {
    return `${this.publicBaseUrl}/sandbox/${platform}`;
  }

  redirectUri(platform: Platform): string {
    return redirectUriFor(this.publicBaseUrl, platform);
  }

  /**
   * The sandbox platforms' settings as the platforms library reads them from the environment
   * (`<P>_CLIENT_ID`, `_CLIENT_SECRET`, `_AUTH_URL`, `_TOKEN_URL`, `_API_URL`), plus TikTok's
   * API for Business, which the sandbox serves under the same API base.
   */
  env(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [platform, client] of this.clients) {
      const prefix = platform.toUpperCase();
      const base = this.baseUrl(platform);
      env[`${prefix}_CLIENT_ID`] = client.id;
      env[`${prefix}_CLIENT_SECRET`] = client.secret;
      env[`${prefix}_AUTH_URL`] = `${base}/authorize`;
      env[`${prefix}_TOKEN_URL`] = `${base}/token`;
      env[`${prefix}_API_URL`] = `${base}/api`;
      if (platform === 'tiktok') env.TIKTOK_BUSINESS_API_URL = `${base}/api`;
    }
    return env;
  }
}
