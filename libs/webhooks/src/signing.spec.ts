import { createHmac } from 'node:crypto';
import {
  checkWebhookSignature,
  generateWebhookSecret,
  signWebhookBody,
  verifyWebhookSignature,
  webhookHeaders,
} from './signing';

const NOW = new Date('2030-01-01T09:00:00.000Z');
const T = NOW.getTime() / 1000;
const BODY = '{"id":"whevt_1","type":"connection.expired","note":"ünïcödé"}';

describe('webhook signatures', () => {
  const secret = generateWebhookSecret();

  it('signs HMAC-SHA256(secret, "<t>.<raw body>") in hex, as a receiver recomputes it', () => {
    const expected = createHmac('sha256', secret).update(`${T}.${BODY}`).digest('hex');
    expect(signWebhookBody(secret, T, BODY)).toBe(`t=${T},v1=${expected}`);
    expect(webhookHeaders(secret, 'whevt_1', BODY, new Date(NOW.getTime() + 999))).toEqual({
      'Webhook-Id': 'whevt_1',
      'Webhook-Timestamp': String(T),
      'Webhook-Signature': `t=${T},v1=${expected}`,
    });
  });

  it('verifies its own signature, over a string or the raw bytes', () => {
    const header = signWebhookBody(secret, T, BODY);
    expect(verifyWebhookSignature(secret, header, BODY, NOW, 300)).toBe(true);
    expect(verifyWebhookSignature(secret, header, Buffer.from(BODY, 'utf8'), NOW, 300)).toBe(true);
    expect(checkWebhookSignature(secret, header, BODY, NOW)).toEqual({ valid: true, timestamp: T });
  });

  it('fails with a wrong secret, an altered body or an altered timestamp', () => {
    const header = signWebhookBody(secret, T, BODY);
    const mismatch = { valid: false, reason: 'signature_mismatch' };
    expect(checkWebhookSignature(generateWebhookSecret(), header, BODY, NOW)).toEqual(mismatch);
    expect(checkWebhookSignature(secret, header, BODY.replace('expired', 'error'), NOW)).toEqual(
      mismatch,
    );
    expect(checkWebhookSignature(secret, header, `${BODY} `, NOW)).toEqual(mismatch);
    expect(
      checkWebhookSignature(secret, header.replace(`t=${T}`, `t=${T + 1}`), BODY, NOW),
    ).toEqual(mismatch);
  });

  it('refuses timestamps outside the tolerance, on either side', () => {
    const header = signWebhookBody(secret, T, BODY);
    const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
    expect(verifyWebhookSignature(secret, header, BODY, at(300), 300)).toBe(true);
    expect(verifyWebhookSignature(secret, header, BODY, at(-300), 300)).toBe(true);
    expect(checkWebhookSignature(secret, header, BODY, at(301), 300)).toEqual({
      valid: false,
      reason: 'timestamp_outside_tolerance',
    });
    expect(verifyWebhookSignature(secret, header, BODY, at(-301), 300)).toBe(false);
    expect(verifyWebhookSignature(secret, header, BODY, at(3600), 7200)).toBe(true);
  });

  it('accepts any one matching v1 among several (secret rotation), ignores unknown schemes', () => {
    const good = signWebhookBody(secret, T, BODY).split(',')[1];
    const other = signWebhookBody(generateWebhookSecret(), T, BODY).split(',')[1];
    expect(verifyWebhookSignature(secret, `t=${T},${other},v0=abc,${good}`, BODY, NOW)).toBe(true);
    expect(verifyWebhookSignature(secret, `t=${T}, ${other}`, BODY, NOW)).toBe(false);
  });

  it.each([
    undefined,
    null,
    '',
    'garbage',
    `v1=${'a'.repeat(64)}`,
    `t=${T}`,
    `t=${T},v1=short`,
    `t=abc,v1=${'a'.repeat(64)}`,
    `t=${T},t=${T},v1=${'a'.repeat(64)}`,
  ])('says a malformed header %p is malformed', (header) => {
    expect(checkWebhookSignature(secret, header, BODY, NOW)).toEqual({
      valid: false,
      reason: 'malformed_header',
    });
  });

  it('generates whsec_ secrets of 32 random bytes', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice(6), 'base64url')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });
});
