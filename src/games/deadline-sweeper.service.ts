import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { LifecycleService } from '../common/lifecycle/lifecycle.service';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RoomRuntime } from './room-runtime.service';
import { RoomsRepository } from './rooms.repository';

/**
 * Durable deadlines (Invariant 6): every room's next deadline is stored on its row. Every sweep claims
 * the due rooms (FOR UPDATE SKIP LOCKED, so each is claimed by one process) and hands them to the
 * runtime, which fires them as ordinary actions with deterministic ids (`deadline:<id>`); the unique
 * (room, action id) makes a second firing impossible. After a restart the sweep finds every deadline
 * that passed while nobody was running.
 */
@Injectable()
export class DeadlineSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DeadlineSweeper');
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;

  constructor(
    private readonly repository: RoomsRepository,
    private readonly runtime: RoomRuntime,
    private readonly scheduler: SchedulerRegistry,
    private readonly lifecycle: LifecycleService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.rooms.sweepIntervalMs);
    this.timer.unref();
    this.scheduler.addInterval('room-deadline-sweep', this.timer);
  }

  /** Stops claiming before the runtime stops, so no claim is left without a runtime to fire it. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) {
      this.scheduler.deleteInterval('room-deadline-sweep');
      this.timer = null;
    }
    await this.sweeping;
  }

  /**
   * One sweep: claims due rooms and fires them. Returns how many rooms were claimed. A draining process
   * fires nothing, so it claims nothing: each claim would hide the deadline from the other processes for a
   * lease, and with the claim renewed at every sweep of the drain, for the whole grace.
   */
  sweep(): Promise<number> {
    if (this.sweeping || this.timer === null || this.lifecycle.draining) return Promise.resolve(0);
    this.sweeping = this.claimAndFire().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  private async claimAndFire(): Promise<number> {
    try {
      const due = await this.repository.claimDueRooms(this.config.rooms.sweepBatch, this.config.rooms.deadlineLeaseMs);
      for (const roomId of due) this.runtime.fireDue(roomId, true);
      return due.length;
    } catch (error) {
      this.logger.warn({ err: error }, 'deadline sweep failed; the next one retries');
      return 0;
    }
  }
}
