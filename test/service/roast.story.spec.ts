import { randomUUID } from 'node:crypto';
import { RoomsService } from '../../src/games/rooms.service';
import { newWorld, type World } from '../support/factories';

/** A roast battle as the rooms service tells it: two players, one round, secrets kept until they resolve. */
describe('two players open a roast battle', () => {
  let world: World;
  beforeAll(async () => {
    world = await newWorld();
  });
  afterAll(() => world.close());

  it('keeps each roast hidden from the other until voting, and refuses a vote for yourself', async () => {
    const rooms = world.get(RoomsService);
    const [host, guest] = [await world.newUser({ displayName: 'Host' }), await world.newUser({ displayName: 'Guest' })];
    const { roomId } = await world.newRoom(host, { gameId: 'roast', seatCount: 2 });
    await rooms.join(guest, roomId, {}, randomUUID());
    await rooms.host(host, roomId, { type: 'game.start' }, randomUUID());

    await rooms.act(host, roomId, { type: 'roast', text: 'Your jokes arrive like trains here: late.' }, randomUUID());
    const seenByGuest = JSON.stringify(await rooms.detail(guest, roomId));
    expect(seenByGuest).not.toContain('trains here');

    await rooms.act(
      guest,
      roomId,
      { type: 'roast', text: 'You rehearse in the mirror and it walks out.' },
      randomUUID(),
    );
    const voting = await rooms.detail(guest, roomId);
    expect(voting.game).toMatchObject({ phase: 'voting' });
    expect(JSON.stringify(voting)).toContain('trains here');

    await expect(rooms.act(guest, roomId, { type: 'vote', seat: 1 }, randomUUID())).rejects.toMatchObject({
      code: 'SELF_TARGET',
    });
    await expect(rooms.act(guest, roomId, { type: 'vote', seat: 0 }, randomUUID())).resolves.toMatchObject({ roomId });
  });
});
