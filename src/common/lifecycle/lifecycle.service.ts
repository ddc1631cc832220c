import { Injectable } from '@nestjs/common';

/**
 * Knows whether Arena is draining for shutdown and how much work is in flight, so that shutdown can
 * stop accepting, wait for what was accepted, and only then close the database.
 */
@Injectable()
export class LifecycleService {
  private drainingSince: number | null = null;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private drainingStarted!: () => void;
  /**
   * Resolves when draining starts. A wait that only serving needs, such as other processes' answers through
   * the Socket.IO adapter (5 s when one of them has just gone), can end there instead of holding up the exit.
   */
  readonly drainingStarts = new Promise<void>((resolve) => (this.drainingStarted = resolve));

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  startDraining(): void {
    this.drainingSince ??= Date.now();
    this.drainingStarted();
  }

  /** Counts one unit of accepted work until `done` is called. */
  begin(): () => void {
    this.inFlight += 1;
    let finished = false;
    return () => {
      if (finished) return;
      finished = true;
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    };
  }

  get pending(): number {
    return this.inFlight;
  }

  /** Resolves when nothing is in flight, or after `timeoutMs`; returns what was still pending. */
  async idle(timeoutMs: number): Promise<number> {
    if (this.inFlight === 0) return 0;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.inFlight;
  }
}
