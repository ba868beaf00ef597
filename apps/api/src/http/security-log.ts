import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { type Clock, systemClock } from '@ledger/commands/clock';
import { CLOCK } from '@ledger/runtime';
import { workspaceParam } from './auth/auth.decorators';
import { requestPath, type LedgerRequest } from './ledger-request';
import { redactSecrets } from './redact';

export interface SecurityLogLimits {
  /** Entries logged per caller per window; the rest are counted, not logged. */
  perCaller: number;
  windowMs: number;
  /** Callers tracked at once; the oldest is flushed and forgotten beyond that. */
  maxCallers: number;
}

export const DEFAULT_SECURITY_LOG_LIMITS: SecurityLogLimits = {
  perCaller: 20,
  windowMs: 60_000,
  maxCallers: 10_000,
};

/** Overridable in tests (a small window with a fake clock). */
export const SECURITY_LOG_LIMITS = Symbol('SecurityLogLimits');

interface Window {
  startedAt: number;
  logged: number;
  suppressed: number;
}

/** Caps what a caller may make us store or print. */
const FIELD_LIMIT = 200;

/**
 * The service-wide log of refusals that belong to no tenant: callers without a token (or with
 * an invalid one) and callers without a role in the workspace they named. A tenant's audit
 * trail would otherwise fill with entries whose ids and user agent an outsider chooses
 * (docs/decisions/0010-security-log.md).
 *
 * One JSON line per refusal through the Nest logger (context `SecurityLog`, level warn): the
 * code, status, method, path, the named workspace, the verified user id (if any), IP, user
 * agent and correlation id; never a header value but the user agent, never a token. Each
 * caller (its verified user id, else its IP) gets `perCaller` lines per window; beyond that one
 * `security.rate_limited` line, then a `security.suppressed` line with the count once the
 * window ends (at the caller's next refusal, the periodic sweep, or shutdown).
 */
@Injectable()
export class SecurityLog implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SecurityLog');
  private readonly windows = new Map<string, Window>();
  private readonly limits: SecurityLogLimits;
  private readonly clock: Clock;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    @Optional() @Inject(CLOCK) clock?: Clock,
    @Optional() @Inject(SECURITY_LOG_LIMITS) limits?: SecurityLogLimits,
  ) {
    this.clock = clock ?? systemClock;
    this.limits = limits ?? DEFAULT_SECURITY_LOG_LIMITS;
  }

  onModuleInit(): void {
    this.sweeper = setInterval(() => this.sweep(), this.limits.windowMs);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
    this.flush();
  }

  /** Logs a refusal of a caller without a role here (or without a valid token), rate-limited. */
  refused(request: LedgerRequest, problem: { status: number; code: string }): void {
    const now = this.clock.now().getTime();
    const userId = request.auth?.userId ?? null;
    const ip = request.ip ?? null;
    const caller = userId !== null ? `user:${clip(userId)}` : `ip:${ip ?? '-'}`;
    let window = this.windows.get(caller);
    if (window && now - window.startedAt >= this.limits.windowMs) {
      this.close(caller, window, now);
      window = undefined;
    }
    if (!window) {
      window = { startedAt: now, logged: 0, suppressed: 0 };
      this.windows.set(caller, window);
      this.evictBeyondLimit(now);
    }
    if (window.logged < this.limits.perCaller) {
      window.logged += 1;
      const userAgent = request.headers['user-agent'];
      this.write({
        event: 'security.refused',
        code: problem.code,
        status: problem.status,
        method: request.method,
        path: clip(requestPath(request)),
        workspaceId: clip(workspaceParam(request) ?? null),
        userId: clip(userId),
        ip,
        userAgent: clip(typeof userAgent === 'string' ? userAgent : null),
        correlationId: request.correlationId ?? null,
        at: new Date(now).toISOString(),
      });
      return;
    }
    window.suppressed += 1;
    if (window.suppressed === 1) {
      this.write({
        event: 'security.rate_limited',
        caller,
        limit: this.limits.perCaller,
        windowMs: this.limits.windowMs,
        at: new Date(now).toISOString(),
      });
    }
  }

  /** Writes the suppressed counts of every window still open (shutdown). */
  flush(): void {
    const now = this.clock.now().getTime();
    for (const [caller, window] of this.windows) this.close(caller, window, now);
  }

  /** Closes the windows that have ended. */
  sweep(): void {
    const now = this.clock.now().getTime();
    for (const [caller, window] of this.windows) {
      if (now - window.startedAt >= this.limits.windowMs) this.close(caller, window, now);
    }
  }

  private evictBeyondLimit(now: number): void {
    for (const [caller, window] of this.windows) {
      if (this.windows.size <= this.limits.maxCallers) return;
      this.close(caller, window, now);
    }
  }

  private close(caller: string, window: Window, now: number): void {
    this.windows.delete(caller);
    if (window.suppressed === 0) return;
    this.write({
      event: 'security.suppressed',
      caller,
      suppressed: window.suppressed,
      from: new Date(window.startedAt).toISOString(),
      to: new Date(now).toISOString(),
    });
  }

  private write(entry: Record<string, unknown>): void {
    // JSON keeps a caller's newlines and quotes inside their field; redaction is a backstop
    // for a token pasted into the user agent or the path.
    this.logger.warn(redactSecrets(JSON.stringify(entry)));
  }
}

function clip<T extends string | null>(value: T): T {
  return (value === null ? null : value.slice(0, FIELD_LIMIT)) as T;
}
