import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, Stripe-style. Each request carries
 *
 *     Webhook-Id: whevt_...            (the payload id: the same on every redelivery)
 *     Webhook-Timestamp: 1767254400    (unix seconds when this attempt was signed)
 *     Webhook-Signature: t=1767254400,v1=<hex HMAC-SHA256(secret, "1767254400.<raw body>")>
 *
 * The HMAC key is the secret string exactly as shown to the customer (`whsec_...`, UTF-8).
 * A receiver recomputes the HMAC over the raw body bytes it received (before any JSON parsing),
 * compares in constant time, and refuses timestamps outside its tolerance, which defeats the
 * replay of an old signed request. Several `v1=` entries may appear (e.g. during a secret
 * rotation); any one matching is enough.
 */
export const SIGNATURE_HEADER = 'Webhook-Signature';
export const ID_HEADER = 'Webhook-Id';
export const TIMESTAMP_HEADER = 'Webhook-Timestamp';

/** Five minutes, as Stripe's libraries default to. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const SECRET_PREFIX = 'whsec_';
export const SECRET_BYTES = 32;

/** A fresh secret: `whsec_` and 32 random bytes in base64url (43 characters). */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64url')}`;
}

function hmacHex(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${timestamp}.`, 'utf8')
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('hex');
}

/** The `Webhook-Signature` value for `body` signed at `timestamp` (unix seconds). */
export function signWebhookBody(secret: string, timestamp: number, body: string | Buffer): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError(`timestamp must be unix seconds, got ${timestamp}`);
  }
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

/** The three webhook headers of one attempt, signed at `now`. */
export function webhookHeaders(
  secret: string,
  payloadId: string,
  body: string,
  now: Date,
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    [ID_HEADER]: payloadId,
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: signWebhookBody(secret, timestamp, body),
  };
}

export type SignatureCheck =
  | { valid: true; timestamp: number }
  | {
      valid: false;
      reason: 'malformed_header' | 'timestamp_outside_tolerance' | 'signature_mismatch';
    };

/**
 * Checks a `Webhook-Signature` header against the raw body, saying why it fails. The
 * timestamp must be within `toleranceSeconds` of `now`, either side (a receiver's clock may
 * lag ours).
 */
export function checkWebhookSignature(
  secret: string,
  header: string | null | undefined,
  body: string | Buffer,
  now: Date,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): SignatureCheck {
  const parsed = parseSignatureHeader(header);
  if (!parsed) return { valid: false, reason: 'malformed_header' };
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (Math.abs(nowSeconds - parsed.timestamp) > toleranceSeconds) {
    return { valid: false, reason: 'timestamp_outside_tolerance' };
  }
  const expected = Buffer.from(hmacHex(secret, parsed.timestamp, body), 'hex');
  const matches = parsed.signatures.some((candidate) => {
    const given = Buffer.from(candidate, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches
    ? { valid: true, timestamp: parsed.timestamp }
    : { valid: false, reason: 'signature_mismatch' };
}

/**
 * True when `header` is a valid signature of the raw `body` under `secret`, made within
 * `toleranceSeconds` of `now`. What a receiver calls before trusting a request.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  body: string | Buffer,
  now: Date,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): boolean {
  return checkWebhookSignature(secret, header, body, now, toleranceSeconds).valid;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

function parseSignatureHeader(
  header: string | null | undefined,
): { timestamp: number; signatures: string[] } | null {
  if (typeof header !== 'string' || header.length > 4096) return null;
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (timestamp !== null || !/^\d{1,15}$/.test(value)) return null;
      timestamp = Number(value);
    } else if (key === 'v1' && HEX_SHA256.test(value)) {
      signatures.push(value);
    }
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}
