import {
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ChainCheckpoints } from '@ledger/audit';
import { LeaseKeeper } from '@ledger/leases';
import { APP_CONFIG, AuditVerificationModule, type AppConfig } from '@ledger/runtime';

/**
 * The job that signs chain heads periodically, under the `job:audit-checkpoints` lease so one
 * worker signs at a time. JobsModule imports it, so it runs wherever the scheduled jobs run.
 */
@Module({ imports: [AuditVerificationModule] })
export class AuditCheckpointJobModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private running = false;

  constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly leases: LeaseKeeper,
    private readonly checkpoints: ChainCheckpoints,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const everyMs = this.config.jobs.auditCheckpointEveryMs;
    const interval = setInterval(() => void this.tick(everyMs), everyMs);
    interval.unref();
    this.scheduler.addInterval('audit-checkpoints', interval);
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', 'audit-checkpoints')) {
      this.scheduler.deleteInterval('audit-checkpoints');
    }
  }

  private async tick(everyMs: number): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.leases.runExclusively('job:audit-checkpoints', Math.max(everyMs * 2, 30_000), () =>
        this.checkpoints.signHeads(),
      );
    } catch (error) {
      this.logger.error(
        `audit-checkpoints failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.running = false;
    }
  }
}
