import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

type CounterChild = { inc(value?: number): void };
type HistogramChild = { observe(value: number): void };

/** Arena's Prometheus registry (one per app instance, so tests can run several apps in one process). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'arena_http_request_duration_seconds',
    help: 'REST request duration by method, route and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly connectedSockets = new Gauge({
    name: 'arena_connected_sockets',
    help: 'Socket.IO connections open on this process',
    registers: [this.registry],
  });

  readonly socketEvents = new Counter({
    name: 'arena_socket_events_total',
    help: 'Socket events refused before reaching a handler, by reason',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly socketBackpressure = new Counter({
    name: 'arena_socket_backpressure_total',
    help: 'Slow sockets: fell behind, updates withheld, fresh views sent on catching up, disconnected',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly botBrainBreaker = new Gauge({
    name: 'arena_bot_brain_circuit_state',
    help: 'State of the bot brain circuit breaker (1 for the current state)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly databaseBreaker = new Gauge({
    name: 'arena_database_circuit_state',
    help: 'State of the database circuit breaker (1 for the current state)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly databaseBreakerRejections = new Counter({
    name: 'arena_database_circuit_rejections_total',
    help: 'Database work refused at once because the database circuit was open',
    registers: [this.registry],
  });

  readonly botDecisions = new Counter({
    name: 'arena_bot_decisions_total',
    help: 'Bot decisions by who made them: the plugged-in brain, the built-in policy, or the fallback',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly roomCommits = new Histogram({
    name: 'arena_room_commit_batch_size',
    help: 'Room events per group commit',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [this.registry],
  });

  readonly roomActions = new Counter({
    name: 'arena_room_actions_total',
    help: 'Room commands by outcome (committed, rejected, duplicate)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly deadlinesFired = new Counter({
    name: 'arena_room_deadlines_fired_total',
    help: 'Stored room deadlines fired, by kind (game, away, bot)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly chatCommits = new Histogram({
    name: 'arena_chat_commit_batch_size',
    help: 'Chat messages per group commit',
    buckets: [1, 2, 5, 10, 25, 50, 100, 256],
    registers: [this.registry],
  });

  readonly chatCommitFallbacks = new Counter({
    name: 'arena_chat_commit_fallbacks_total',
    help: 'Group commits of chat messages that failed as a whole (e.g. a racing copy from another process) and were resent one by one',
    registers: [this.registry],
  });

  readonly policyDecisions = new Counter({
    name: 'arena_moderation_decisions_total',
    help: 'Content policy decisions made by this process, by rule set, rollout arm (active or candidate), canary bucket (none: no room) and outcome (allowed or the blocking category)',
    labelNames: ['rule_set', 'arm', 'bucket', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly sanctionsApplied = new Counter({
    name: 'arena_moderation_sanctions_total',
    help: 'Sanctions recorded by this process, by kind (warn, mute, ban, kick)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly gameActions = new Counter({
    name: 'arena_game_actions_total',
    help: 'Room commands by game and outcome code (OK, DUPLICATE, or the refusal code such as NOT_YOUR_TURN)',
    labelNames: ['game', 'code'] as const,
    registers: [this.registry],
  });

  readonly actionLatencies = new Histogram({
    name: 'arena_room_action_latency_seconds',
    help: 'Room commands from receipt to acknowledgement (committed), by game',
    labelNames: ['game'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly broadcastFanout = new Histogram({
    name: 'arena_room_broadcast_fanout',
    help: 'Distinct views (seat, host and spectator channels) sent per committed room update',
    buckets: [1, 2, 4, 8, 16, 32],
    registers: [this.registry],
  });

  readonly deadlineLags = new Histogram({
    name: 'arena_room_deadline_lag_seconds',
    help: 'How late stored deadlines fired: from when they were due to when they fired, by kind',
    labelNames: ['kind'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly matchesFinishedTotal = new Counter({
    name: 'arena_matches_finished_total',
    help: 'Games finished (match rows committed) by this process, by game',
    labelNames: ['game'] as const,
    registers: [this.registry],
  });

  /** Read at scrape time from the database (set by the telemetry module): rooms by game and phase. */
  readonly activeRooms = new Gauge({
    name: 'arena_rooms_active',
    help: 'Rooms not closed, by game and room phase (lobby, playing, finished), as stored',
    labelNames: ['game', 'phase'] as const,
    registers: [this.registry],
  });

  readonly databasePool = new Gauge({
    name: 'arena_db_pool_connections',
    help: "This process's database pool: connections in use, idle, and requests waiting for one",
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  // Label children are looked up once and kept, keyed by the label values themselves: the hot path neither
  // hashes labels nor builds a key string per action.
  private readonly actionChildren = new Map<string, Map<string, CounterChild>>();
  private readonly matchChildren = new Map<string, CounterChild>();
  private readonly latencyChildren = new Map<string, HistogramChild>();
  private readonly lagChildren = new Map<string, HistogramChild>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'arena_' });
  }

  gameAction(game: string | undefined, code: string): CounterChild {
    const label = game ?? 'unknown';
    let byCode = this.actionChildren.get(label);
    if (!byCode) this.actionChildren.set(label, (byCode = new Map()));
    let child = byCode.get(code);
    if (!child) byCode.set(code, (child = this.gameActions.labels(label, code)));
    return child;
  }

  matchesFinished(game: string): CounterChild {
    let child = this.matchChildren.get(game);
    if (!child) this.matchChildren.set(game, (child = this.matchesFinishedTotal.labels(game)));
    return child;
  }

  actionLatency(game: string): HistogramChild {
    let child = this.latencyChildren.get(game);
    if (!child) this.latencyChildren.set(game, (child = this.actionLatencies.labels(game)));
    return child;
  }

  deadlineLag(kind: string): HistogramChild {
    let child = this.lagChildren.get(kind);
    if (!child) this.lagChildren.set(kind, (child = this.deadlineLags.labels(kind)));
    return child;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
