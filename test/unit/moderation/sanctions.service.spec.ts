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

/** The lookup installed into SanctionsPort, over a fake repository, on a clock the test moves. */
function setup(stored: Sanction[], cacheMs = 2000) {
  let rows = stored;
  const reads = { count: 0 };
  const repository = {
    activeSanctionsOf: async (userId: string) => {
      reads.count += 1;
      return rows.filter((row) => row.userId === userId);
    },
  } as unknown as ModerationRepository;
  const port = new SanctionsPort();
  const service = new SanctionsService(repository, port, loadConfig({ SANCTION_CACHE_MS: String(cacheMs) }));
  service.onModuleInit();
  return { port, service, reads, replace: (next: Sanction[]) => (rows = next) };
}

describe('SanctionsService (the SanctionsPort lookup)', () => {
  beforeEach(() => jest.useFakeTimers({ now: NOW }));
  afterEach(() => jest.useRealTimers());

  it('refuses with each kind\u2019s code and expiry, and only the kicked room', async () => {
    const { port } = setup([
      sanction({ kind: 'ban', expiresAt: null, reason: 'for good' }),
      sanction({ kind: 'mute', expiresAt: at(5000) }),
      sanction({ kind: 'kick', roomId: 'room-a', expiresAt: at(7000) }),
    ]);
    await expect(port.assertNotBanned('u1')).rejects.toMatchObject({ code: 'BANNED', details: { expiresAt: null, reason: 'for good' } });
    await expect(port.assertNotMuted('u1')).rejects.toMatchObject({ code: 'MUTED', details: { expiresAt: at(5000) } });
    await expect(port.assertNotKicked('u1', 'room-a')).rejects.toMatchObject({ code: 'KICKED', details: { expiresAt: at(7000) } });
    await expect(port.assertNotKicked('u1', 'room-b')).resolves.toBeUndefined();
    await expect(port.assertNotBanned('u2')).resolves.toBeUndefined();
  });

  it('tells the longest of overlapping sanctions', async () => {
    const { port } = setup([sanction({ expiresAt: at(1000) }), sanction({ expiresAt: at(9000) }), sanction({ expiresAt: at(5000) })]);
    await expect(port.assertNotBanned('u1')).rejects.toMatchObject({ details: { expiresAt: at(9000) } });
  });

  it('lets a sanction end by the clock alone, even while cached', async () => {
    const { port, reads } = setup([sanction({ kind: 'mute', expiresAt: at(1000) })]);
    await expect(port.assertNotMuted('u1')).rejects.toMatchObject({ code: 'MUTED' });
    jest.setSystemTime(NOW + 1001);
    await expect(port.assertNotMuted('u1')).resolves.toBeUndefined();
    expect(reads.count).toBe(1);
  });

  it('caches per user for SANCTION_CACHE_MS, and forgets a user at once on invalidate', async () => {
    const { port, service, reads, replace } = setup([]);
    await port.assertNotBanned('u1');
    replace([sanction({})]);
    await expect(port.assertNotBanned('u1')).resolves.toBeUndefined(); // cached: another process's ban waits for the TTL
    service.invalidate('u1');
    await expect(port.assertNotBanned('u1')).rejects.toMatchObject({ code: 'BANNED' });
    replace([]);
    jest.setSystemTime(NOW + 2001);
    await expect(port.assertNotBanned('u1')).resolves.toBeUndefined();
    expect(reads.count).toBe(3);
  });

  it('does not cache what a lookup read before an invalidation that happened during it', async () => {
    let release: () => void = () => undefined;
    let rows: Sanction[] = [];
    const repository = {
      activeSanctionsOf: async () => {
        const seen = rows;
        await new Promise<void>((resolve) => (release = resolve));
        return seen;
      },
    } as unknown as ModerationRepository;
    const port = new SanctionsPort();
    const service = new SanctionsService(repository, port, loadConfig({}));
    service.onModuleInit();
    const pending = port.assertNotBanned('u1');
    await Promise.resolve();
    rows = [sanction({})];
    service.invalidate('u1');
    release();
    await pending;
    const next = port.assertNotBanned('u1');
    await Promise.resolve();
    release();
    await expect(next).rejects.toMatchObject({ code: 'BANNED' });
  });

  it('with SANCTION_CACHE_MS=0 reads every time', async () => {
    const { port, reads } = setup([], 0);
    await port.assertNotBanned('u1');
    await port.assertNotBanned('u1');
    expect(reads.count).toBe(2);
  });
});
