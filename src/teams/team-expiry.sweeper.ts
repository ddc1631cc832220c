import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { LifecycleService } from '../common/lifecycle/lifecycle.service';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TeamsService } from './teams.service';

/**
 * A dropped member's slot is held in the database (`away_until`), so the hold survives a restart; on the
 * rooms' deadline interval this lets members whose window ran out leave, on exactly one process
 * (`FOR UPDATE SKIP LOCKED`).
 */
@Injectable()
export class TeamExpirySweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('TeamExpiry');
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;

  constructor(
    private readonly teams: TeamsService,
    private readonly lifecycle: LifecycleService,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.rooms.sweepIntervalMs);
    this.timer.unref();
    this.scheduler.addInterval('team-expiry-sweep', this.timer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) {
      this.scheduler.deleteInterval('team-expiry-sweep');
      this.timer = null;
    }
    await this.sweeping;
  }

  sweep(): Promise<number> {
    if (this.sweeping || this.lifecycle.draining) return Promise.resolve(0);
    const done = this.lifecycle.begin();
    this.sweeping = this.teams
      .expireAway()
      .catch((error: unknown) => {
        this.logger.warn({ err: error }, 'team expiry sweep failed; the next one retries');
        return 0;
      })
      .finally(() => {
        done();
        this.sweeping = null;
      });
    return this.sweeping;
  }
}
