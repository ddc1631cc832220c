import { Injectable, OnModuleInit } from '@nestjs/common';
import { MetricsService } from './metrics.service';
import { TelemetryRepository } from './telemetry.repository';

/**
 * Gauges read at scrape time: rooms by game and phase from the rooms table (so every process reports
 * what is stored, and a restart forgets nothing), and this process's database pool.
 */
@Injectable()
export class ScrapeMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly repository: TelemetryRepository,
  ) {}

  onModuleInit(): void {
    const { activeRooms, databasePool } = this.metrics;
    const repository = this.repository;
    // prom-client calls collect() on each scrape and waits for it.
    Object.assign(activeRooms, {
      async collect() {
        const rows = await repository.activeRooms().catch(() => null);
        if (rows === null) return; // the database is down: /metrics still answers, health says why
        activeRooms.reset();
        for (const row of rows) activeRooms.set({ game: row.game_id, phase: row.phase }, row.n);
      },
    });
    Object.assign(databasePool, {
      collect() {
        const pool = repository.poolState();
        databasePool.set({ state: 'in_use' }, pool.inUse);
        databasePool.set({ state: 'idle' }, pool.idle);
        databasePool.set({ state: 'waiting' }, pool.waiting);
      },
    });
  }
}
