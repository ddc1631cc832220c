import type { BotMemory, GameAction } from '../domain/engine';

/** What a brain is asked: one bot seat's own view (never more) and its memory of recent rounds. */
export interface BotDecisionRequest {
  gameId: string;
  roomId: string;
  seat: number;
  view: Record<string, unknown>;
  memory: BotMemory;
}

/**
 * A pluggable bot brain (an external model, say). It runs behind a time limit and a circuit breaker;
 * when it fails, is slow, or proposes an illegal action, the game's built-in policy decides instead.
 */
export interface BotBrain {
  readonly name: string;
  decide(request: BotDecisionRequest): Promise<GameAction | null>;
}

/** Provide a BotBrain under this token to plug one in; without one, bots use the built-in policies. */
export const BOT_BRAIN = Symbol('BOT_BRAIN');
