import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { hostChannel } from '../games/room-publisher.service';
import { SocketEmitter } from '../realtime/socket-emitter.service';
import { ChshReports } from './chsh-reports.service';

/** The dashboard gets at most one update per this many milliseconds: two a second. */
export const DASHBOARD_INTERVAL_MS = 500;

interface Throttle {
  /** When the last update went out (epoch ms). */
  last: number;
  timer: NodeJS.Timeout | null;
  flushing: boolean;
  /** A change arrived while an update was being built: another follows, no sooner than the interval. */
  dirty: boolean;
}

/**
 * The host's live dashboard, throttled per session: the first change after a quiet spell goes out at once,
 * and changes after it are folded into one update at most every DASHBOARD_INTERVAL_MS, however fast
 * answers arrive. Each update is the whole report, so a skipped one loses nothing.
 */
@Injectable()
export class ChshDashboard implements BeforeApplicationShutdown {
  private readonly logger = new Logger('ChshDashboard');
  private readonly sessions = new Map<string, Throttle>();

  constructor(
    private readonly reports: ChshReports,
    private readonly emitter: SocketEmitter,
  ) {}

  changed(sessionId: string): void {
    const throttle = this.sessions.get(sessionId) ?? { last: 0, timer: null, flushing: false, dirty: false };
    this.sessions.set(sessionId, throttle);
    if (throttle.flushing) {
      throttle.dirty = true;
      return;
    }
    if (throttle.timer) return;
    const wait = Math.max(0, throttle.last + DASHBOARD_INTERVAL_MS - Date.now());
    throttle.timer = setTimeout(() => void this.flush(sessionId, throttle), wait);
    throttle.timer.unref();
  }

  beforeApplicationShutdown(): void {
    for (const throttle of this.sessions.values()) if (throttle.timer) clearTimeout(throttle.timer);
    this.sessions.clear();
  }

  private async flush(sessionId: string, throttle: Throttle): Promise<void> {
    throttle.timer = null;
    throttle.flushing = true;
    try {
      const report = await this.reports.report(sessionId);
      if (report) {
        throttle.last = Date.now();
        this.emitter.toRoom(hostChannel(sessionId), 'chsh:dashboard', report);
      }
    } catch (error) {
      this.logger.warn({ err: error, sessionId }, 'dashboard update failed; the next change retries');
    } finally {
      throttle.flushing = false;
    }
    if (throttle.dirty) {
      throttle.dirty = false;
      this.changed(sessionId);
    } else if (!throttle.timer && this.sessions.get(sessionId) === throttle) {
      // Quiet: forget the session after its interval, so the next change goes out at once.
      setTimeout(() => {
        if (!throttle.timer && !throttle.flushing && !throttle.dirty) this.sessions.delete(sessionId);
      }, DASHBOARD_INTERVAL_MS).unref();
    }
  }
}
