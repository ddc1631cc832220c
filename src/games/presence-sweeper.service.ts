import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { LifecycleService } from '../common/lifecycle/lifecycle.service';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { SocketEmitter } from '../realtime/socket-emitter.service';
import { RoomsRepository } from './rooms.repository';
import { RoomsService } from './rooms.service';

const CANDIDATES_PER_SWEEP = 5_000;

/**
 * A seat is held for its player's reconnect window when the player's last socket closes. A restart is
 * not a drop (clients reconnect, often elsewhere), so a player whose socket went with a process that
 * stopped or died, and who never comes back, would hold the seat forever and keep the room listed.
 * Every `ROOM_PRESENCE_SWEEP_MS` this finds players seated and not away with no socket on any process
 * (through the Socket.IO adapter, so across processes with Redis) and drops them as a closed socket
 * would: their reconnect window starts then.
 */
@Injectable()
export class PresenceSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('PresenceSweeper');
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;

  constructor(
    private readonly repository: RoomsRepository,
    private readonly rooms: RoomsService,
    private readonly emitter: SocketEmitter,
    private readonly lifecycle: LifecycleService,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // The first sweep waits a whole interval: clients of a process that just restarted reconnect first.
    this.timer = setInterval(() => void this.sweep(), this.config.rooms.presenceSweepMs);
    this.timer.unref();
    this.scheduler.addInterval('room-presence-sweep', this.timer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) {
      this.scheduler.deleteInterval('room-presence-sweep');
      this.timer = null;
    }
    await this.sweeping;
  }

  /** One sweep; returns how many seated players had no socket anywhere. */
  sweep(): Promise<number> {
    if (this.sweeping || this.lifecycle.draining) return Promise.resolve(0);
    this.sweeping = this.dropAbsent().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  private async dropAbsent(): Promise<number> {
    try {
      const seated = await this.repository.heldSeatUsers(CANDIDATES_PER_SWEEP);
      if (seated.length === 0) return 0;
      // Every process answers through the adapter, and one counted that has just stopped only at the
      // adapter's timeout; shutdown does not wait for that (its before-shutdown hook waits for this sweep):
      // a draining process drops nobody, so the answer would go unused.
      const connected = await Promise.race([
        this.emitter.connectedUserIds(),
        this.lifecycle.drainingStarts.then(() => null),
      ]);
      if (connected === null) return 0;
      const absent = seated.filter((userId) => !connected.has(userId));
      // As if their last socket had just closed: that path checks again, in order with their own connects.
      for (const userId of absent) this.rooms.onDisconnect({ userId });
      return absent.length;
    } catch (error) {
      this.logger.warn({ err: error }, 'presence sweep failed; the next one retries');
      return 0;
    }
  }
}
