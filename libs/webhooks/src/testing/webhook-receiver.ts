import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkWebhookSignature, type SignatureCheck } from '../signing';

/**
 * How the receiver answers the next request. `hang`: never answers (the sender times out).
 * `endless`: 200, then a body that never ends (the sender must not read it).
 */
export type ReceiverAnswer = 200 | 204 | 400 | 404 | 410 | 500 | 503 | 'hang' | 'endless';

export interface ReceivedWebhook {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  contentType: string | undefined;
  /** The Host header: the URL's host even when the sender connected to a pinned address. */
  host: string | undefined;
  /** The raw body, exactly as received. */
  body: string;
  check: SignatureCheck;
  answered: ReceiverAnswer;
}

/**
 * A customer's webhook endpoint on 127.0.0.1 (random port), for tests. It verifies every
 * request the way a customer would: reads the raw body, checks `Webhook-Signature` with the
 * secret it was given and its own clock, and answers 400 to a bad signature. Answers can be
 * scripted one request at a time (500, 410, hang...), otherwise 200.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly script: ReceiverAnswer[] = [];
  private readonly hanging = new Set<ServerResponse>();
  /** Runs while a request waits for its answer (a test's "meanwhile"). */
  meanwhile: (() => Promise<void>) | null = null;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: {
      secret: () => string;
      now: () => Date;
      toleranceSeconds: number;
      fallback: ReceiverAnswer;
    },
  ) {}

  static async start(options: {
    /** The secret to verify with (a function: tests set the subscription after starting). */
    secret: () => string;
    /** The receiver's clock (the test's fake clock). */
    now: () => Date;
    toleranceSeconds?: number;
    /** The answer when nothing is scripted (default 200). */
    fallback?: ReceiverAnswer;
  }): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | null = null;
    const server = createServer((req, res) => receiver?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}/hooks/ledger`, {
      secret: options.secret,
      now: options.now,
      toleranceSeconds: options.toleranceSeconds ?? 300,
      fallback: options.fallback ?? 200,
    });
    return receiver;
  }

  /** The next requests' answers, in order. */
  answerNext(...answers: ReceiverAnswer[]): void {
    this.script.push(...answers);
  }

  /** Requests whose signature verified, by Webhook-Id. */
  verifiedCountById(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.received) {
      if (r.check.valid && r.id) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
    }
    return counts;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => void this.answer(req, res, Buffer.concat(chunks)));
  }

  private async answer(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const header = (name: string) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    };
    const check = checkWebhookSignature(
      this.options.secret(),
      header('Webhook-Signature'),
      raw,
      this.options.now(),
      this.options.toleranceSeconds,
    );
    // A customer refuses what does not verify, whatever the script says.
    const answer: ReceiverAnswer = check.valid
      ? (this.script.shift() ?? this.options.fallback)
      : 400;
    this.received.push({
      id: header('Webhook-Id'),
      timestamp: header('Webhook-Timestamp'),
      signature: header('Webhook-Signature'),
      contentType: header('Content-Type'),
      host: header('Host'),
      body: raw.toString('utf8'),
      check,
      answered: answer,
    });
    if (this.meanwhile) await this.meanwhile();
    if (answer === 'hang') {
      this.hanging.add(res);
      return;
    }
    if (answer === 'endless') {
      this.hanging.add(res);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      // Stops once the sender hangs up (a destroyed stream would fail every write at once).
      const more = (): void => {
        if (!res.destroyed) res.write(Buffer.alloc(64 * 1024, 'x'), () => setImmediate(more));
      };
      res.on('error', () => undefined);
      more();
      return;
    }
    res.writeHead(answer, { 'Content-Type': 'text/plain' });
    res.end(String(answer));
  }
}
