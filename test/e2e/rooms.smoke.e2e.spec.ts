import { ask, createTestApp, type TestApp } from '../support/test-app';
import { aid, ok, UpdateLog } from '../support/rooms';

describe('smoke', () => {
  let arena: TestApp;
  beforeAll(async () => {
    arena = await createTestApp({ DEADLINE_SWEEP_INTERVAL_MS: '30', BOT_DELAY_MS: '5' });
  });
  afterAll(() => arena.close());

  it('creates a bench room, joins, starts and bumps', async () => {
    const host = await arena.socket(await arena.guest('Hosty'));
    const guest = await arena.socket(await arena.guest('Guesty'));
    const log = new UpdateLog(guest);
    const created = await ok(host, 'room:create', { actionId: aid(), gameId: 'bench', seatCount: 2 });
    const joined = await ok(guest, 'room:join', { actionId: aid(), roomId: created.roomId });
    expect(joined.seat).toBe(1);
    await ok(host, 'room:start', { actionId: aid(), roomId: created.roomId });
    const bump = await ok(guest, 'game:action', { actionId: aid(), roomId: created.roomId, action: { type: 'bump' } });
    expect(bump.seq).toBeGreaterThan(3);
    const update = await log.until((u) => (u.view.game as any)?.counter === 1);
    expect(update.view.you.seat).toBe(1);
    const bad = await ask(guest, 'room:start', { actionId: aid(), roomId: created.roomId, seat: 0 });
    expect(bad.error.code).toBe('HOST_ONLY');
  });
});
