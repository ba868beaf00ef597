import {
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import type { Clock } from '@ledger/commands';
import type { EventStore } from '@ledger/event-store';
import { LeaseKeeper } from '@ledger/leases';
import {
  WebhookDispatcher,
  WebhookEnqueuer,
  WebhookSubscriptions,
  type WebhookDeliveryStore,
} from '@ledger/webhooks';
import { APP_CONFIG, type AppConfig } from '@ledger/runtime';
import { WEBHOOK_DELIVERIES } from '@ledger/runtime';
import { CLOCK, EVENT_STORE } from '@ledger/runtime';
import { HealthCheckJob } from './check-health/health-check.job';
import { healthCheckProvider } from './check-health/health-check.provider';
import { TokenRefreshJob } from './refresh-tokens/token-refresh.job';
import { PublishPostsJob } from './publish-posts/publish-posts.job';
import { publishPostsProviders } from './publish-posts/publish-posts.providers';
import { AuditCheckpointJobModule } from './audit-checkpoints/audit-checkpoint-job.module';
import {
  EXPIRED_SELECTIONS_EVERY_MS,
  ExpiredSelectionsJob,
  expiredSelectionsProvider,
} from './expire-selections/expired-selections.job';

/** How often the health check looks whether this period's check is due. */
const HEALTH_CHECK_TICK_MS = 60_000;

const jobProviders: Provider[] = [
  healthCheckProvider,
  expiredSelectionsProvider,
  {
    provide: WebhookEnqueuer,
    inject: [EVENT_STORE, WEBHOOK_DELIVERIES, WebhookSubscriptions, CLOCK],
    useFactory: (
      store: EventStore,
      deliveries: WebhookDeliveryStore,
      subscriptions: WebhookSubscriptions,
      clock: Clock,
    ) => new WebhookEnqueuer(store, deliveries, subscriptions, { clock }),
  },
  {
    provide: WebhookDispatcher,
    inject: [WEBHOOK_DELIVERIES, WebhookSubscriptions, CLOCK, APP_CONFIG],
    useFactory: (
      deliveries: WebhookDeliveryStore,
      subscriptions: WebhookSubscriptions,
      clock: Clock,
      config: AppConfig,
    ) =>
      new WebhookDispatcher(deliveries, subscriptions, {
        clock,
        allowPrivateTargets: config.webhookAllowPrivateTargets,
      }),
  },
  ...publishPostsProviders,
];

/**
 * The scheduled jobs (@nestjs/schedule): token refresh, health check, webhook enqueue and delivery. Each tick
 * that must run once across workers holds a lease; a tick never overlaps its previous run.
 * The worker runs them; a local run runs them in the API process.
 */
@Module({
  imports: [ScheduleModule.forRoot(), AuditCheckpointJobModule],
  providers: jobProviders,
  exports: [WebhookEnqueuer, WebhookDispatcher],
})
export class JobsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly running = new Set<string>();

  constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly leases: LeaseKeeper,
    private readonly refresh: TokenRefreshJob,
    private readonly health: HealthCheckJob,
    private readonly enqueuer: WebhookEnqueuer,
    private readonly dispatcher: WebhookDispatcher,
    private readonly publisher: PublishPostsJob,
    private readonly expiredSelections: ExpiredSelectionsJob,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { tokenRefreshEveryMs, healthCheckEveryMs, webhookEveryMs } = this.config.jobs;
    this.every('token-refresh', tokenRefreshEveryMs, () =>
      this.leases.runExclusively(
        'job:token-refresh',
        Math.max(tokenRefreshEveryMs * 2, 30_000),
        () => this.refresh.runOnce(),
      ),
    );
    // Ticks every minute (or every period, when shorter) but runs the check only when the
    // persisted period marker can be taken: once per HEALTH_CHECK_EVERY_SECONDS across every
    // worker and restart. The job holds `job:health-check` too, so two runs never overlap.
    this.every('health-check', Math.min(healthCheckEveryMs, HEALTH_CHECK_TICK_MS), () =>
      this.health.tick(),
    );
    this.every('webhook-enqueue', webhookEveryMs, () =>
      this.leases.runExclusively('job:webhook-enqueue', 30_000, () => this.enqueuer.catchUp()),
    );
    // Each post is published under its own lease and marker: any number of workers may run it.
    this.every('publish-posts', this.config.jobs.publishEveryMs, () => this.publisher.runOnce());
    // Deliveries are claimed one by one, so any number of workers may dispatch.
    this.every('webhook-deliver', webhookEveryMs, () => this.dispatcher.deliverDue());
    // Each expired selection goes to one sweeper only, so any number of workers may sweep.
    this.every('expired-selections', EXPIRED_SELECTIONS_EVERY_MS, () =>
      this.expiredSelections.runOnce(),
    );
  }

  onApplicationShutdown(): void {
    for (const name of this.scheduler.getIntervals()) this.scheduler.deleteInterval(name);
  }

  private every(name: string, ms: number, tick: () => Promise<unknown>): void {
    const interval = setInterval(() => {
      if (this.running.has(name)) return;
      this.running.add(name);
      tick()
        .catch((error: unknown) =>
          this.logger.error(
            `${name} failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
        )
        .finally(() => this.running.delete(name));
    }, ms);
    interval.unref();
    this.scheduler.addInterval(name, interval);
  }
}
