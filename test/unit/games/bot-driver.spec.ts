import { Logger } from '@nestjs/common';
import { ContentPolicyPort } from '../../../src/common/ports/content-policy.port';
import { loadConfig } from '../../../src/config/app-config';
import type { BotBrain } from '../../../src/games/bots/bot-brain';
import { BotDriver } from '../../../src/games/bots/bot-driver.service';
import { applyRoomCommand, roomRandom } from '../../../src/games/domain/room/room.rules';
import type { RoomState } from '../../../src/games/domain/room/room.types';
import { EngineRegistry } from '../../../src/games/engine-registry';
import { MetricsService } from '../../../src/telemetry/metrics.service';

const config = loadConfig({ NODE_ENV: 'test', BOT_BRAIN_TIMEOUT_MS: '20' });
const registry = new EngineRegistry(new ContentPolicyPort(), config);

/** A started roast room: the host's seat plus three bots, all bots waiting to write. */
function startedRoast(): RoomState {
  let state: RoomState | null = null;
  const run = (command: Parameters<typeof applyRoomCommand>[1], userId: string | null) => {
    const outcome = applyRoomCommand(
      state,
      command,
      userId ? { kind: 'user', userId } : { kind: 'system' },
      { now: 1000, random: roomRandom(3, (state?.seq ?? 0) + 1) },
      registry.lookup,
    );
    if (!outcome.ok) throw new Error(outcome.code);
    state = outcome.state;
  };
  run(
    {
      type: 'room.create',
      roomId: 'r',
      gameId: 'roast',
      name: 'R',
      visibility: 'public',
      seed: 3,
      settings: { seatCount: 4, botFill: true, reconnectWindowMs: 0, botDelayMs: 0, kickBanMs: 0, game: {} },
      host: { userId: 'h', ownerId: 'h', kind: 'human', name: 'H' },
    },
    'h',
  );
  run({ type: 'game.start' }, 'h');
  return state as unknown as RoomState;
}

const metricValue = async (metrics: MetricsService, name: string, labels: string) => {
  const text = await metrics.render();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').at(-1)) : NaN;
};

describe('bot driver', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('uses the built-in policy by default, one move per waiting bot seat', async () => {
    const metrics = new MetricsService();
    const driver = new BotDriver(registry, metrics, config, null);
    const moves = await driver.decide(startedRoast(), 2000);
    expect(moves.map((m) => m.seat)).toEqual([1, 2, 3]);
    expect(moves.every((m) => m.action.type === 'roast')).toBe(true);
    expect(await metricValue(metrics, 'arena_bot_decisions_total', 'source="builtin"')).toBe(3);
  });

  it('asks a plugged-in brain first and keeps its legal proposals', async () => {
    const brain: BotBrain = { name: 'witty', decide: async () => ({ type: 'roast', text: 'From the brain' }) };
    const metrics = new MetricsService();
    const moves = await new BotDriver(registry, metrics, config, brain).decide(startedRoast(), 2000);
    expect(moves.map((m) => m.action)).toEqual(Array(3).fill({ type: 'roast', text: 'From the brain' }));
  });

  it('falls back to the built-in policy when the brain is slow, fails or proposes nonsense, and opens its circuit', async () => {
    let calls = 0;
    const brain: BotBrain = {
      name: 'flaky',
      decide: async () => {
        calls += 1;
        if (calls % 3 === 1) return { type: 'vote', seat: 9 }; // illegal in the round phase
        if (calls % 3 === 2) throw new Error('model unavailable');
        return new Promise(() => undefined); // never answers: the time limit cuts it
      },
    };
    const metrics = new MetricsService();
    const driver = new BotDriver(registry, metrics, config, brain);
    const state = startedRoast();
    const first = await driver.decide(state, 2000);
    expect(first.every((m) => m.action.type === 'roast')).toBe(true);
    const second = await driver.decide(state, 2000);
    expect(second).toHaveLength(3);
    expect(driver.breakerState()).toBe('open');
    expect(await metricValue(metrics, 'arena_bot_brain_circuit_state', 'state="open"')).toBe(1);
    const before = calls;
    await driver.decide(state, 2000);
    expect(calls).toBe(before); // an open circuit does not call the brain at all
    driver.onModuleDestroy();
  });
});
