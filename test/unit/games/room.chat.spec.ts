import type { GameEngine } from '../../../src/games/domain/engine';
import { mafiaEngine } from '../../../src/games/domain/mafia/mafia.engine';
import { changedRoomChat, roomChat } from '../../../src/games/domain/room/room.chat';
import { applyRoomCommand, roomRandom } from '../../../src/games/domain/room/room.rules';
import type { RoomActor, RoomCommand, RoomState } from '../../../src/games/domain/room/room.types';
import { roastEngine } from '../../../src/games/domain/roast/roast.engine';

const engines = new Map<string, GameEngine<unknown, object>>(
  [roastEngine, mafiaEngine].map((engine) => [engine.id, engine as unknown as GameEngine<unknown, object>]),
);
const lookup = (id: string) => engines.get(id);
const user = (userId: string): RoomActor => ({ kind: 'user', userId });
const holder = (userId: string) => ({ userId, ownerId: userId, kind: 'human' as const, name: userId });

/** A room of `gameId` with users u0 (host), u1, ... seated, and then `bots` bots. */
function seated(gameId: string, users: number, bots = 0): RoomState {
  let state: RoomState | null = null;
  const run = (command: RoomCommand, actor: RoomActor) => {
    const outcome = applyRoomCommand(
      state,
      command,
      actor,
      { now: 1_000 + (state?.seq ?? 0), random: roomRandom(5, (state?.seq ?? 0) + 1) },
      lookup,
    );
    if (!outcome.ok) throw new Error(`${command.type}: ${outcome.code}`);
    state = outcome.state;
  };
  const settings = {
    seatCount: users + bots,
    botFill: false,
    reconnectWindowMs: 1000,
    botDelayMs: 10,
    kickBanMs: 5000,
    game: {},
  };
  run(
    {
      type: 'room.create',
      roomId: 'r',
      gameId,
      name: 'Room',
      visibility: 'public',
      seed: 5,
      settings,
      host: holder('u0'),
    },
    user('u0'),
  );
  for (let i = 1; i < users; i += 1) run({ type: 'seat.take', holder: holder(`u${i}`) }, user(`u${i}`));
  if (bots > 0) run({ type: 'bots.add', count: bots }, user('u0'));
  return state as unknown as RoomState;
}

const start = (state: RoomState) => {
  const outcome = applyRoomCommand(
    state,
    { type: 'game.start' },
    user('u0'),
    { now: 5_000, random: roomRandom(5, state.seq + 1) },
    lookup,
  );
  if (!outcome.ok) throw new Error(outcome.code);
  return outcome.state;
};

describe('room chat channels', () => {
  it('in the lobby, and in a game that declares none, has one channel open to every seat and spectator', () => {
    const lobby = seated('roast', 2, 1);
    const open = [
      {
        channel: 'room',
        everyone: true,
        spectators: 'write',
        members: [
          { user_id: 'u0', read: true, write: true },
          { user_id: 'u1', read: true, write: true },
        ],
      },
    ];
    expect(roomChat(lobby, lookup('roast'))).toEqual(open);
    expect(roomChat(start(lobby), lookup('roast'))).toEqual(open);
  });

  it("resolves the game's declaration to the seats' users, leaving out bots", () => {
    const playing = start(seated('mafia', 3, 1));
    const game = playing.game as { roles: Record<number, string> };
    const mafiaSeat = Number(Object.keys(game.roles).find((seat) => game.roles[Number(seat)] === 'mafia'));
    const chat = roomChat(playing, lookup('mafia'));
    expect(chat.map((c) => c.channel)).toEqual(['dead', 'mafia', 'room']);
    const byName = Object.fromEntries(chat.map((c) => [c.channel, c]));
    expect(byName.room).toEqual({
      channel: 'room',
      everyone: true,
      spectators: 'read',
      members: ['u0', 'u1', 'u2'].map((u) => ({ user_id: u, read: true, write: false })),
    });
    expect(byName.mafia.everyone).toBe(false);
    expect(byName.mafia.spectators).toBe('none');
    expect(byName.mafia.members).toEqual(
      mafiaSeat === 3 ? [] : [{ user_id: `u${mafiaSeat}`, read: true, write: true }],
    );
    expect(byName.dead.members).toEqual([]);
  });

  it('asks for a write only when the channels changed', () => {
    const lobby = seated('mafia', 4);
    const playing = start(lobby);
    expect(changedRoomChat(null, lobby, lookup('mafia'))).toEqual(roomChat(lobby, lookup('mafia')));
    expect(changedRoomChat(lobby, { ...lobby, seq: lobby.seq + 1 }, lookup('mafia'))).toBeNull();
    expect(changedRoomChat(lobby, playing, lookup('mafia'))).toEqual(roomChat(playing, lookup('mafia')));
  });
});
