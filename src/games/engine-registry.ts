import { Injectable } from '@nestjs/common';
import { ContentPolicyPort } from '../common/ports/content-policy.port';
import { benchEngine } from './domain/bench/bench.engine';
import type { GameEngine } from './domain/engine';
import { mafiaEngine } from './domain/mafia/mafia.engine';
import type { EngineLookup, RoomState } from './domain/room/room.types';
import { createRoastEngine } from './domain/roast/roast.engine';

type AnyEngine = GameEngine<unknown, object>;

/**
 * The games Arena runs, by id and rules version. A room plays under the version it was made under, so a
 * version stays registered while rooms made under it remain; new rooms get the latest. Roasts go through
 * the content policy port (surface 'roast'), so moderation's rules apply to them without the rules
 * importing moderation.
 */
@Injectable()
export class EngineRegistry {
  private readonly versions = new Map<string, Map<number, AnyEngine>>();
  private readonly legacyEngines = new Map<string, AnyEngine>();
  readonly lookup: EngineLookup = (gameId, rulesVersion) => this.get(gameId, rulesVersion);
  /**
   * Only for events stored before outcomes were kept (they have none to fold): their commands are applied
   * again under rules version 1, and what the content policy let in then is not judged again.
   */
  readonly legacyLookup: EngineLookup = (gameId, rulesVersion) => (rulesVersion === 1 ? this.legacyEngines.get(gameId) : undefined);

  constructor(contentPolicy: ContentPolicyPort) {
    const roast = createRoastEngine({
      checkText: (text) => {
        const decision = contentPolicy.check(text, { surface: 'roast' });
        return decision.allowed ? { allowed: true } : { allowed: false, code: 'CONTENT_BLOCKED' };
      },
    });
    for (const engine of [roast, mafiaEngine, benchEngine] as unknown as AnyEngine[]) this.register(engine);
    for (const engine of [createRoastEngine(), mafiaEngine, benchEngine] as unknown as AnyEngine[]) this.legacyEngines.set(engine.id, engine);
  }

  /** Adds a game, or a new version of its rules (which new rooms then get); a registered version is kept. */
  register(engine: AnyEngine): void {
    const versions = this.versions.get(engine.id) ?? new Map<number, AnyEngine>();
    if (versions.has(engine.rulesVersion)) throw new Error(`${engine.id} rules version ${engine.rulesVersion} is registered already`);
    versions.set(engine.rulesVersion, engine);
    this.versions.set(engine.id, versions);
  }

  /** A game's engine at a rules version; without one, the latest. */
  get(gameId: string, rulesVersion?: number): AnyEngine | undefined {
    const versions = this.versions.get(gameId);
    if (!versions) return undefined;
    if (rulesVersion !== undefined) return versions.get(rulesVersion);
    return versions.get(Math.max(...versions.keys()));
  }

  /** The engine a room plays under. */
  forRoom(state: RoomState): AnyEngine | undefined {
    return this.get(state.gameId, state.rulesVersion);
  }

  ids(): string[] {
    return [...this.versions.keys()];
  }
}
