import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import CircuitBreaker from 'opossum';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { MetricsService } from '../../telemetry/metrics.service';
import type { GameAction, GameContext, GameEngine } from '../domain/engine';
import { playMove } from '../domain/moves';
import { botSeatsToAct, roomRandom } from '../domain/room/room.rules';
import type { BotMove, RoomState } from '../domain/room/room.types';
import { EngineRegistry } from '../engine-registry';
import { BOT_BRAIN, type BotBrain, type BotDecisionRequest } from './bot-brain';

type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * Decides the bots' moves for a room: each bot seat that the game waits for looks at its own view and
 * memory and proposes an action. A plugged-in brain is asked first, through a circuit breaker with a
 * time limit; the built-in policy is the default and the fallback.
 */
@Injectable()
export class BotDriver implements OnModuleDestroy {
  private readonly logger = new Logger('Bots');
  private readonly breaker: CircuitBreaker<[BotDecisionRequest], GameAction | null> | null;

  constructor(
    private readonly registry: EngineRegistry,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() @Inject(BOT_BRAIN) private readonly brain: BotBrain | null,
  ) {
    this.breaker = brain
      ? new CircuitBreaker((request: BotDecisionRequest) => brain.decide(request), {
          name: `bot-brain:${brain.name}`,
          timeout: config.rooms.botBrainTimeoutMs,
          errorThresholdPercentage: 50,
          volumeThreshold: 3,
          resetTimeout: 10_000,
        })
      : null;
    if (this.breaker) {
      this.breaker.on('open', () => this.reportState());
      this.breaker.on('halfOpen', () => this.reportState());
      this.breaker.on('close', () => this.reportState());
      this.breaker.on('failure', (error) =>
        this.logger.warn({ err: error }, 'bot brain failed; the built-in policy decides'),
      );
    }
    this.reportState();
  }

  breakerState(): BreakerState {
    if (!this.breaker) return 'closed';
    if (this.breaker.opened) return 'open';
    return this.breaker.halfOpen ? 'half_open' : 'closed';
  }

  /** The moves of every bot the game waits for, each from that bot's own view at this state. */
  async decide(state: RoomState, now: number): Promise<BotMove[]> {
    const engine = this.registry.forRoom(state);
    if (!engine || state.game === null) return [];
    const moves: BotMove[] = [];
    for (const seat of botSeatsToAct(state, engine)) {
      const view = engine.view(state.game, seat);
      const memory = state.botMemory[seat] ?? [];
      // Its own draw per room, state and seat, so bots are reproducible without touching the room's source.
      const ctx: GameContext = { now, random: roomRandom(state.seed ^ 0x5eed, state.seq * 64 + seat) };
      const action = await this.ask(
        engine,
        state,
        { gameId: state.gameId, roomId: state.roomId, seat, view, memory },
        ctx,
      );
      if (action) moves.push({ seat, action, memory: engine.botMemoryEntry?.(view, seat) ?? null });
    }
    return moves;
  }

  private async ask(
    engine: GameEngine<unknown, object>,
    state: RoomState,
    request: BotDecisionRequest,
    ctx: GameContext,
  ): Promise<GameAction | null> {
    const builtIn = () => engine.botAction(request.view, request.seat, request.memory, ctx);
    if (!this.breaker) {
      this.metrics.botDecisions.inc({ source: 'builtin' });
      return builtIn();
    }
    try {
      const proposed = await this.breaker.fire(request);
      // A brain's proposal must be legal now; otherwise the built-in policy decides.
      if (proposed && playMove(engine, state.game, proposed, request.seat, ctx).ok) {
        this.metrics.botDecisions.inc({ source: 'brain' });
        return proposed;
      }
    } catch {
      // Timeout, failure or an open circuit: fall through to the built-in policy.
    }
    this.metrics.botDecisions.inc({ source: 'fallback' });
    return builtIn();
  }

  private reportState(): void {
    const current = this.breakerState();
    for (const state of ['closed', 'open', 'half_open'] as const)
      this.metrics.botBrainBreaker.set({ state }, state === current ? 1 : 0);
  }

  onModuleDestroy(): void {
    this.breaker?.shutdown();
  }
}
