import { Injectable } from '@nestjs/common';
import { ContentPolicyPort } from '../common/ports/content-policy.port';
import { benchEngine } from './domain/bench/bench.engine';
import type { GameEngine } from './domain/engine';
import { mafiaEngine } from './domain/mafia/mafia.engine';
import type { EngineLookup } from './domain/room/room.types';
import { createRoastEngine } from './domain/roast/roast.engine';

type AnyEngine = GameEngine<unknown, object>;

/**
 * The games Arena runs, by id. Roasts go through the content policy port (surface 'roast'), so
 * moderation's rules apply to them without the rules importing moderation.
 */
@Injectable()
export class EngineRegistry {
  private readonly engines = new Map<string, AnyEngine>();
  private readonly replayEngines = new Map<string, AnyEngine>();
  readonly lookup: EngineLookup = (gameId) => this.engines.get(gameId);
  /** For replaying stored events: what the content policy let in then is not judged again. */
  readonly replayLookup: EngineLookup = (gameId) => this.replayEngines.get(gameId);

  constructor(contentPolicy: ContentPolicyPort) {
    const roast = createRoastEngine({
      checkText: (text) => {
        const decision = contentPolicy.check(text, { surface: 'roast' });
        return decision.allowed ? { allowed: true } : { allowed: false, code: decision.code ?? 'CONTENT_BLOCKED' };
      },
    });
    for (const engine of [roast, mafiaEngine, benchEngine] as unknown as AnyEngine[]) this.engines.set(engine.id, engine);
    for (const engine of [createRoastEngine(), mafiaEngine, benchEngine] as unknown as AnyEngine[]) this.replayEngines.set(engine.id, engine);
  }

  get(gameId: string): AnyEngine | undefined {
    return this.engines.get(gameId);
  }

  ids(): string[] {
    return [...this.engines.keys()];
  }
}
