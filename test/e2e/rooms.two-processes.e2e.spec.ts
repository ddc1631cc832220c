import { randomUUID } from 'node:crypto';
import { RoomRuntime } from '../../src/games/room-runtime.service';
import { aid, ok } from '../support/rooms';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * Two Arena processes on one database (no Redis needed: every state change is in PostgreSQL). Whatever
 * one process did to a room, the other never answers from a cached copy that has fallen behind.
 */
describe('a room served by two processes', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await createTestApp({ ROOM_CACHE_SIZE: '3' });
    b = await createTestApp({}, a.databaseUrl);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('reads, rejoins and acts through A after B moved the room on, and sees B latest seq', async () => {
    const hostToken = await a.guest('Host');
    const [hostOnA, guestOnB] = [await a.socket(hostToken), await b.socket(await b.guest('Guest'))];
    const { roomId } = await ok(hostOnA, 'room:create', { actionId: aid(), gameId: 'roast', seatCount: 3 });
    const hostView = await ok(hostOnA, 'room:rejoin', { roomId, lastSeq: 0 }); // A has the room cached now
    expect(hostView.view.seq).toBe(1);

    await ok(guestOnB, 'room:join', { actionId: aid(), roomId });
    const started = await ok(hostOnA, 'room:start', { actionId: aid(), roomId }); // A must see the guest B seated
    const roast = await ok(guestOnB, 'game:action', {
      actionId: aid(),
      roomId,
      action: { type: 'roast', text: 'You are the reason the lights flicker.' },
    });
    expect(roast.seq).toBeGreaterThan(started.seq);

    const rejoined = await ok(hostOnA, 'room:rejoin', { roomId, lastSeq: hostView.view.seq });
    expect(rejoined.view.seq).toBe(roast.seq);
    expect(rejoined.events.at(-1).seq).toBe(roast.seq);
    const detail = await a.http().get(`/rooms/${roomId}`).set('Authorization', `Bearer ${hostToken}`).expect(200);
    expect(detail.body.seq).toBe(roast.seq);
    // An action checked against A's stale copy would be refused WRONG_PHASE or NOT_SEATED; this one is valid now.
    await ok(hostOnA, 'game:action', {
      actionId: aid(),
      roomId,
      action: { type: 'roast', text: 'Your jokes need subtitles and a plot.' },
    });
  });

  it('keeps at most ROOM_CACHE_SIZE idle rooms in memory and brings an evicted room back from the database', async () => {
    const host = await a.socket(await a.guest('Many rooms'));
    const rooms: string[] = [];
    for (let i = 0; i < 6; i += 1)
      rooms.push(
        (await ok(host, 'room:create', { actionId: randomUUID(), gameId: 'roast', name: `Room ${i}` })).roomId,
      );
    const runtime = a.app.get(RoomRuntime);
    await runtime.settled();
    expect(runtime.cachedRooms()).toBeLessThanOrEqual(3);
    const first = await ok(host, 'room:rejoin', { roomId: rooms[0], lastSeq: 0 });
    expect(first.view.name).toBe('Room 0');
  });
});
