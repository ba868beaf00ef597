import request from 'supertest';
import { startLedgerApp, type LedgerTestApp, type ReadModelBackend } from '../support/ledger-app';

const BACKENDS: ReadModelBackend[] = ['sqlite', 'ferretdb'];

describe.each(BACKENDS)('scheduled posts and campaigns, read models in %s', (readModels) => {
  let ledger: LedgerTestApp;
  const WS = 'ws-posts';
  const api = () => request(ledger.server);
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  let owner: string;
  let editor: string;
  let auditor: string;

  beforeAll(async () => {
    ledger = await startLedgerApp({ readModels });
    owner = ledger.token({ [WS]: 'owner' }, 'owner-1');
    editor = ledger.token({ [WS]: 'editor' }, 'editor-1');
    auditor = ledger.token({ [WS]: 'auditor' }, 'auditor-1');
  });
  afterAll(() => ledger.close());

  it('says a platform cannot be auto-selected while it has no main account', async () => {
    const refused = await api()
      .post(`/v1/workspaces/${WS}/posts`)
      .set(as(editor))
      .send({ platform: 'x', content: 'Hello', publishAt: '2027-01-01T09:00:00Z' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('NO_MAIN_ACCOUNT');
  });

  it('schedules on the main account, refuses what the account cannot post, and lists posts by status', async () => {
    const x = (await ledger.connectX(WS, owner, { id: '5001', name: 'Poster', username: 'poster' }))
      .body.connections[0];
    const scheduled = await api()
      .post(`/v1/workspaces/${WS}/posts`)
      .set(as(editor))
      .send({ platform: 'x', content: 'Launch day', publishAt: '2027-01-01T09:00:00Z' })
      .expect(201);
    expect(scheduled.body).toMatchObject({
      connectionId: x.id,
      status: 'scheduled',
      platform: 'x',
    });
    const tooLong = await api()
      .post(`/v1/workspaces/${WS}/posts`)
      .set(as(editor))
      .send({ platform: 'x', content: 'x'.repeat(281), publishAt: '2027-01-01T09:00:00Z' });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body).toMatchObject({ code: 'POST_TOO_LONG', limit: 280 });
    const auditorRefused = await api()
      .post(`/v1/workspaces/${WS}/posts`)
      .set(as(auditor))
      .send({ platform: 'x', content: 'no', publishAt: '2027-01-01T09:00:00Z' });
    expect(auditorRefused.status).toBe(403);
    const listed = await api()
      .get(`/v1/workspaces/${WS}/posts?status=scheduled`)
      .set(as(auditor))
      .expect(200);
    expect(listed.body.map((p: { id: string }) => p.id)).toEqual([scheduled.body.id]);
  });

  it('refuses a text post on Instagram or TikTok when it is scheduled (422 MEDIA_REQUIRED), and schedules nothing', async () => {
    const ws = 'ws-posts-media';
    const mediaOwner = ledger.token({ [ws]: 'owner' }, 'owner-media');
    const instagram = await ledger.connect('instagram', ws, mediaOwner, {
      user_id: '17841400000000077',
      username: 'media.only',
      account_type: 'BUSINESS',
    });
    expect(instagram.status).toBe(200);
    for (const platform of ['instagram', 'tiktok']) {
      const refused = await api()
        .post(`/v1/workspaces/${ws}/posts`)
        .set(as(mediaOwner))
        .send({ platform, content: 'Just words', publishAt: '2027-01-01T09:00:00Z' });
      expect(refused.status).toBe(422);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(refused.body).toMatchObject({
        code: 'MEDIA_REQUIRED',
        title: 'This platform needs an image or video',
        platform,
      });
      expect(refused.body.detail).toMatch(/text-only posts cannot be published/);
    }
    const listed = await api().get(`/v1/workspaces/${ws}/posts`).set(as(mediaOwner)).expect(200);
    expect(listed.body).toEqual([]);
  });

  it('on disconnect fails the pending posts at once, flags the campaigns that used the account, and reports both', async () => {
    await api()
      .post(`/v1/workspaces/${WS}/campaigns`)
      .set(as(editor))
      .send({ name: 'Winter launch', targets: [{ platform: 'x' }] })
      .expect(201);
    const [x] = (await api().get(`/v1/workspaces/${WS}/connections`).set(as(owner))).body;
    const report = await api()
      .delete(`/v1/workspaces/${WS}/connections/${x.id}`)
      .set(as(owner))
      .expect(200);
    expect(report.body).toMatchObject({ scheduledPostsFailed: 1, campaignsFlagged: 1 });
    const campaigns = (
      await api().get(`/v1/workspaces/${WS}/campaigns`).set(as(auditor)).expect(200)
    ).body;
    expect(campaigns).toEqual([
      expect.objectContaining({
        name: 'Winter launch',
        flags: [
          expect.objectContaining({
            connectionId: x.id,
            reason: expect.stringContaining('choose another account'),
          }),
        ],
      }),
    ]);
    const posts = (await api().get(`/v1/workspaces/${WS}/posts`).set(as(auditor))).body;
    expect(posts).toEqual([
      expect.objectContaining({
        status: 'failed',
        statusReason: expect.stringContaining('disconnected'),
      }),
    ]);
  });
});
