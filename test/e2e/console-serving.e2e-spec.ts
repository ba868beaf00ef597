import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { CONSOLE_CSP } from '../../apps/api/src/console/console-headers';
import { makeTempDir } from '../support/temp-dir';
import { startLedgerApp, type LedgerTestApp } from '../support/ledger-app';

describe('the admin console served by the API at /console', () => {
  let local: LedgerTestApp;
  beforeAll(async () => {
    // JWT_SECRET unset: the local development secret, as in `npm start`.
    local = await startLedgerApp({ env: { JWT_SECRET: '' } });
  });
  afterAll(() => local.close());

  it('serves the page and its hashed assets with the strict CSP, nothing inline', async () => {
    const page = await request(local.server).get('/console/').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("default-src 'none'");
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.text).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|<style|style="/);
    const assets = [...page.text.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)];
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const [, path] of assets) {
      const asset = await request(local.server).get(path).expect(200);
      expect(asset.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(asset.headers['cache-control']).toContain('immutable');
      // No absolute URL to anywhere else in the code the browser runs.
      expect(asset.text ?? asset.body.toString()).not.toMatch(/https?:\/\/(?!www\.w3\.org)[a-z]/i);
    }
  });

  it('redirects /console to /console/, and answers 404 for a file it did not build', async () => {
    const bare = await request(local.server).get('/console').expect(301);
    expect(bare.headers.location).toBe('/console/');
    await request(local.server).get('/console/assets/../../package.json').expect(404);
    await request(local.server).get('/console/assets/nope.js').expect(404);
  });

  it('hands out the development token in a local run with the local secret', async () => {
    const answer = await request(local.server).get('/console/development-token').expect(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    const claims = JSON.parse(
      Buffer.from(answer.body.token.split('.')[1], 'base64url').toString(),
    ) as { sub: string; workspaces: Record<string, string> };
    expect(claims).toMatchObject({ sub: 'developer', workspaces: { demo: 'owner' } });
    await request(local.server)
      .get('/v1/workspaces/demo/integrations')
      .set('Authorization', `Bearer ${answer.body.token}`)
      .expect(200);
  });

  it.each([
    ['in production', { NODE_ENV: 'production' }],
    ['where JWT_SECRET is set', {}],
  ])('answers 404 for the development token %s', async (_, env) => {
    const other = await startLedgerApp({ env });
    try {
      const answer = await request(other.server).get('/console/development-token').expect(404);
      expect(answer.body.code).toBe('NOT_FOUND');
      expect(JSON.stringify(answer.body)).not.toMatch(/eyJ/);
    } finally {
      await other.close();
    }
  });

  it('has its API types generated from the current OpenAPI document (npm run console:openapi)', () => {
    const root = join(__dirname, '..', '..');
    const dir = makeTempDir('console-schema-');
    try {
      const fresh = join(dir.path, 'schema.ts');
      // A child process: openapi-typescript is ESM inside, which jest's runtime cannot load.
      const generate = spawnSync(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          '-r',
          'tsconfig-paths/register',
          'scripts/console-openapi.ts',
          fresh,
        ],
        { cwd: root, encoding: 'utf8' },
      );
      expect(generate.stderr).toBe('');
      expect(readFileSync(join(root, 'apps/console/src/api/schema.ts'), 'utf8')).toBe(
        readFileSync(fresh, 'utf8'),
      );
    } finally {
      dir.remove();
    }
  }, 120_000);
});
