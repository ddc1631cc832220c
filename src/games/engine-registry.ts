import { Inject, Injectable } from '@nestjs/common';
import { ValidateBy, type ValidationOptions } from 'class-validator';
import { ContentPolicyPort } from '../common/ports/content-policy.port';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { benchEngine } from './domain/bench/bench.engine';
import { chshRoomEngine } from './domain/chsh/chsh.engine';
import { crewEngine } from './domain/crew/crew.engine';
import type { GameEngine } from './domain/engine';
import { mafiaEngine } from './domain/mafia/mafia.engine';
import type { EngineLookup, RoomState } from './domain/room/room.types';
import { createRoastEngine } from './domain/roast/roast.engine';
import type { RoastEngineDeps } from './domain/roast/roast.types';
import { villaEngine } from './domain/villa/villa.engine';

type AnyEngine = GameEngine<unknown, object>;

/**
 * Every game Arena can run, by id, and how to build its engine: a roast's texts go through the content
 * policy (none for legacy replays: what it let in then is not judged again). A new game is one line here.
 */
const CATALOGUE = {
  roast: (deps: RoastEngineDeps | undefined) => createRoastEngine(deps),
  mafia: () => mafiaEngine,
  crew: () => crewEngine,
  villa: () => villaEngine,
  bench: () => benchEngine,
  // CHSH: the room of a classroom session; its rounds run in src/chsh.
  chsh: () => chshRoomEngine,
} satisfies Record<string, (deps: RoastEngineDeps | undefined) => unknown>;

/** A game's id, as the protocol names it. */
export type GameId = keyof typeof CATALOGUE;

/** Games only the benchmarks play: registered only with ARENA_BENCH_GAME. */
const BENCH_ONLY: ReadonlySet<GameId> = new Set(['bench']);

/** The ids the running app registered, for DTO validation (`@IsRegisteredGame()`), which has no injector. */
let registeredIds: ReadonlySet<string> = new Set<string>();

/** A game id the engine registry knows; anything else fails validation like an unknown enum value. */
export function IsRegisteredGame(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRegisteredGame',
      validator: {
        validate: (value) => typeof value === 'string' && registeredIds.has(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'gameId'} must be one of the following values: ${[...registeredIds].join(', ')}`,
      },
    },
    options,
  );
}

/**
 * The games Arena runs, by id and rules version: the list behind GET /games, lobby:games, the DTOs and
 * the web client. A room plays under the version it was made under, so a version stays registered while
 * rooms made under it remain; new rooms get the latest. Roasts go through the content policy port
 * (surface 'roast'), so moderation's rules apply to them without the rules importing moderation.
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
  readonly legacyLookup: EngineLookup = (gameId, rulesVersion) =>
    rulesVersion === 1 ? this.legacyEngines.get(gameId) : undefined;

  constructor(contentPolicy: ContentPolicyPort, @Inject(APP_CONFIG) config: AppConfig) {
    const deps: RoastEngineDeps = {
      checkText: (text) => {
        const decision = contentPolicy.check(text, { surface: 'roast' });
        return decision.allowed ? { allowed: true } : { allowed: false, code: 'CONTENT_BLOCKED' };
      },
    };
    for (const [id, build] of Object.entries(CATALOGUE) as Array<
      [GameId, (deps: RoastEngineDeps | undefined) => unknown]
    >) {
      if (BENCH_ONLY.has(id) && !config.rooms.benchGame) continue;
      this.register(build(deps) as AnyEngine);
      this.legacyEngines.set(id, build(undefined) as AnyEngine);
    }
  }

  /** Adds a game, or a new version of its rules (which new rooms then get); a registered version is kept. */
  register(engine: AnyEngine): void {
    const versions = this.versions.get(engine.id) ?? new Map<number, AnyEngine>();
    if (versions.has(engine.rulesVersion))
      throw new Error(`${engine.id} rules version ${engine.rulesVersion} is registered already`);
    versions.set(engine.rulesVersion, engine);
    this.versions.set(engine.id, versions);
    registeredIds = new Set(this.versions.keys());
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

  ids(): GameId[] {
    return [...this.versions.keys()] as GameId[];
  }
}
