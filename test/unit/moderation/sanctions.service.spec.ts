import { SanctionsPort } from '../../../src/common/ports/sanctions.port';
import { loadConfig } from '../../../src/config/app-config';
import type { ModerationRepository, Sanction } from '../../../src/moderation/moderation.repository';
import { SanctionsService } from '../../../src/moderation/sanctions.service';

const NOW = Date.parse('2030-01-01T00:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();

function sanction(partial: Partial<Sanction>): Sanction {
  return {
    id: 's',
    userId: 'u1',
    kind: 'ban',
    roomId: null,
    reason: 'r',
    reportId: null,
    createdBy: 'm',
    createdAt: at(-1000),
    expiresAt: at(60_000),
    revokedAt: null,
    revokedBy: null,
    ...partial,
  };
}

/**
 * The lookup installed into SanctionsPort, over a fake repository whose sanctions_version the test moves
 * (as the trigger does on every committed change), on a clock the test moves.
 */
async function setup(stored: Sanction[], cacheMs = 2000) {
  let rows = stored;
  const state = { reads: 0, version: 1, versionFails: false, inTransaction: false };
  const repository = {
    inTransaction: () => state.inTransaction,
    activeSanctionsOf: async (userId: string) => {
      state.reads += 1;
      return rows.filter((row) => row.userId === userId);
    },
    sanctionsVersion: async () => {
      if (state.versionFails) throw new Error('database unavailable');
      return String(state.version);
    },
  } as unknown as ModerationRepository;
  const port = new SanctionsPort();
  const service = new SanctionsService(repository, port, loadConfig({ SANCTION_CACHE_MS: String(cacheMs) }));
  await service.onModuleInit();
  const change = (next: Sanction[]) => {
    rows = next;
    state.version += 1;
  };
  return { port, service, state, change, replace: (next: Sanction[]) => (rows = next) };
}

/** The lookup over a repository whose reads each wait for the test to release them (the latest one first). */
async function withHeldReads() {
  const state = { reads: 0, rows: [] as Sanction[], version: '1', release: () => undefined as void };
  const repository = {
    inTransaction: () => false,
    sanctionsVersion: async () => state.version,
    activeSanctionsOf: async () => {
      state.reads += 1;
      const seen = state.rows;
      await new Promise<void>((resolve) => (state.release = resolve));
      return seen;
    },
  } as unknown as ModerationRepository;
  const port = new SanctionsPort();
  const service = new SanctionsService(repository, port, loadConfig({}));
  await service.onModuleInit();
  return { port, service, state };
}

describe('SanctionsService (the SanctionsPort lookup)', () => {
  beforeEach(() => jest.useFakeTimers({ now: NOW }));
  afterEach(() => {
    jest.clearAllTimers();
    jest.useRealTimers();
  });

  it('refuses with each kind\u2019s code and expiry, and only the kicked room', async () => {
    const { port } = await setup([
      sanction({ kind: 'ban', expiresAt: null, reason: 'for good' }),
      sanction({ kind: 'mute', expiresAt: at(5000) }),
      sanction({ kind: 'kick', roomId: 'room-a', expiresAt: at(7000) }),
    ]);
    await expect(port.assertNotBanned('u1')).rejects.toMatchObject({
      code: 'BANNED',
      details: { expiresAt: null, reason: 'for good' },
    });
    await expect(port.assertNotMuted('u1')).rejects.toMatchObject({ code: 'MUTED', details: { expiresAt: at(5000) } });
    await expect(port.assertNotKicked('u1', 'room-a')).rejects.toMatchObject({
      code: 'KICKED',
      details: { expiresAt: at(7000) },
    });
    await expect(port.assertNotKicked('u1', 'room-b')).resolves.toBeUndefined();
    await expect(port.assertNotBanned('u2')).resolves.toBeUndefined();
  });

  it('tells the longest of overlapping sanctions', async () => {
    const { port } = await setup([
      sanction({ expiresAt: at(1000) }),
      sanction({ expiresAt: at(9000) }),
      sanction({ expiresAt: at(5000) }),
    ]);
    await expect(port.assertNotBanned('u1')).rejects.toMatchObject({ details: { expiresAt: at(9000) } });
  });

  it('lets a sanction end by the clock alone, even while cached', async () => {
    const { port, state } = await setup([sanction({ kind: 'mute', expiresAt: at(1000) })]);
    await expect(port.assertNotMuted('u1')).rejects.toMatchObject({ code: 'MUTED' });
    jest.setSystemTime(NOW + 1001);
    await expect(port.assertNotMuted('u1')).resolves.toBeUndefined();
    expect(state.reads).toBe(1);
  });

  it('keeps a user cached until sanctions_version moves, read every SANCTION_CACHE_MS, and forgets a user at once on invalidate', async () => {
    const { port, service, state, change, replace } = await setup([]);
    await port.assertNotBanned('u1');
    await jest.advanceTimersByTimeAsync(10_000); // five checks, nothing changed
    await expect(port.assertNotBanned('u1')).resolves.toBeUndefined();
    expect(state.reads).toBe(1);

    change([sanction({})]); // committed by another process
    await expect(port.assertNotBanned('u1')).resolves.toBeUndefined(); // not seen before the next check
    await jest.advanceTimersByTimeAsync(2000);
    await expect(port.assertNotBanned('u1')).rejects.toMatchObject({ code: 'BANNED' });
    expect(state.reads).toBe(2);

    replace([]); // revoked through this process, which says so
    service.invalidate('u1');
    await expect(port.assertNotBanned('u1')).resolves.toBeUndefined();
    expect(state.reads).toBe(3);
  });

  it('reads the database on every lookup while the version check has failed for two intervals, and caches again once it works', async () => {
    const { port, state, change } = await setup([]);
    await port.assertNotBanned('u1');
    state.versionFails = true;
    await jest.advanceTimersByTimeAsync(4001);
    change([sanction({})]); // a change the failing check cannot see yet
    await expect(port.assertNotBanned('u1')).rejects.toMatchObject({ code: 'BANNED' });
    await expect(port.assertNotBanned('u1')).rejects.toMatchObject({ code: 'BANNED' });
    expect(state.reads).toBe(3);

    state.versionFails = false;
    await jest.advanceTimersByTimeAsync(2000);
    await expect(port.assertNotBanned('u1')).rejects.toMatchObject({ code: 'BANNED' });
    await expect(port.assertNotBanned('u1')).rejects.toMatchObject({ code: 'BANNED' });
    expect(state.reads).toBe(4);
  });

  it('shares one read among a user\u2019s concurrent lookups, but not with a lookup made after an invalidation', async () => {
    const { port, service, state } = await withHeldReads();
    const first = port.assertNotMuted('u1');
    const second = port.assertNotMuted('u1');
    await Promise.resolve();
    expect(state.reads).toBe(1);
    const releaseFirst = state.release;

    state.rows = [sanction({ kind: 'mute' })];
    service.invalidate('u1'); // muted through this process
    const after = port.assertNotMuted('u1');
    await Promise.resolve();
    expect(state.reads).toBe(2);
    releaseFirst();
    state.release();
    await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
    await expect(after).rejects.toMatchObject({ code: 'MUTED' });
    service.onModuleDestroy();
  });

  it('does not cache what a lookup read before an invalidation that happened during it', async () => {
    const { port, service, state } = await withHeldReads();
    const pending = port.assertNotBanned('u1');
    await Promise.resolve();
    state.rows = [sanction({})];
    service.invalidate('u1');
    state.release();
    await pending;
    const next = port.assertNotBanned('u1');
    await Promise.resolve();
    state.release();
    await expect(next).rejects.toMatchObject({ code: 'BANNED' });
    service.onModuleDestroy();
  });

  it('does not cache what a lookup read before a version change that its check saw during the read', async () => {
    const { port, service, state } = await withHeldReads();
    const pending = port.assertNotBanned('u1'); // reads the old rows...
    await Promise.resolve();
    state.rows = [sanction({})]; // ...while another process bans the user
    state.version = '2';
    await service.checkVersion();
    state.release();
    await pending;
    const next = port.assertNotBanned('u1');
    await Promise.resolve();
    expect(state.reads).toBe(2);
    state.release();
    await expect(next).rejects.toMatchObject({ code: 'BANNED' });
    service.onModuleDestroy();
  });

  it('neither caches nor shares a read made inside a transaction, which may see its own uncommitted changes', async () => {
    const { port, state, replace } = await setup([]);
    state.inTransaction = true;
    replace([sanction({})]); // inserted by the enclosing transaction, which then rolls back
    await expect(port.assertNotBanned('u1')).rejects.toMatchObject({ code: 'BANNED' });
    state.inTransaction = false;
    replace([]);
    await expect(port.assertNotBanned('u1')).resolves.toBeUndefined();
    expect(state.reads).toBe(2);
  });

  it('with SANCTION_CACHE_MS=0 reads every time', async () => {
    const { port, state } = await setup([], 0);
    await port.assertNotBanned('u1');
    await port.assertNotBanned('u1');
    expect(state.reads).toBe(2);
  });
});
