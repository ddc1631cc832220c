import type { Socket } from 'socket.io-client';
import { ask, createTestApp, FAST_ROOMS, type TestApp } from '../support/test-app';
import { aid, ok, UpdateLog } from '../support/rooms';

interface Player {
  token: string;
  socket: Socket;
  log: UpdateLog;
  userId: string;
}

/** A room's channels as the chat sees them, for one player: channel name -> conversation id. */
async function channelsOf(arena: TestApp, player: Player, roomId: string): Promise<Record<string, string>> {
  const mine = await arena.http().get('/conversations').set('Authorization', `Bearer ${player.token}`).expect(200);
  return Object.fromEntries(
    (mine.body as Array<{ id: string; roomId: string | null; channel: string | null }>)
      .filter((c) => c.roomId === roomId)
      .map((c) => [c.channel as string, c.id]),
  );
}

const until = async <T>(probe: () => Promise<T>, test: (value: T) => boolean, what: string): Promise<T> => {
  for (let i = 0; i < 100; i += 1) {
    const value = await probe();
    if (test(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never: ${what}`);
};

describe("Mafia's chat channels follow the game", () => {
  let arena: TestApp;

  beforeAll(async () => {
    arena = await createTestApp(FAST_ROOMS);
  });
  afterAll(() => arena.close());

  const player = async (name: string): Promise<Player> => {
    const token = await arena.guest(name);
    const socket = await arena.socket(token);
    const me = await arena.http().get('/me').set('Authorization', `Bearer ${token}`).expect(200);
    return { token, socket, log: new UpdateLog(socket), userId: me.body.id };
  };

  it('at night only the mafia talk, in their own channel; the town reads neither it nor the dead channel', async () => {
    const players = [await player('Host Ann'), await player('Ben'), await player('Cat'), await player('Dan')];
    const [host] = players;
    const room = await ok(host.socket, 'room:create', {
      actionId: aid(),
      gameId: 'mafia',
      seatCount: 4,
      options: { nightMs: 60_000 },
    });
    for (const other of players.slice(1)) await ok(other.socket, 'room:join', { actionId: aid(), roomId: room.roomId });
    await ok(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId });

    const roles = new Map<Player, string>();
    for (const p of players) {
      const night = await p.log.until((u) => (u.view.game as any)?.phase === 'night');
      roles.set(p, (night.view.game as any).you.role);
    }
    const mafioso = players.find((p) => roles.get(p) === 'mafia')!;
    const townsfolk = players.find((p) => roles.get(p) === 'town')!;

    const mafiaChannels = await until(
      () => channelsOf(arena, mafioso, room.roomId),
      (c) => Boolean(c.mafia && c.room),
      'the mafia channel',
    );
    const townChannels = await channelsOf(arena, townsfolk, room.roomId);
    expect(townChannels.mafia).toBeUndefined();
    expect(townChannels.dead).toBeUndefined();

    // Night: the room channel is read-only for everyone, the mafia channel open to the mafia.
    await until(
      async () =>
        (
          await ask(townsfolk.socket, 'chat:send', {
            conversationId: townChannels.room,
            clientMsgId: aid('m'),
            body: 'who is it?',
          })
        ).error?.code,
      (code) => code === 'CHANNEL_CLOSED',
      'the room channel to close at night',
    );
    const whisper = await ask(mafioso.socket, 'chat:send', {
      conversationId: mafiaChannels.mafia,
      clientMsgId: aid('m'),
      body: 'take Ben',
    });
    expect(whisper.ok).toBe(true);
    const peek = await ask(townsfolk.socket, 'chat:history', { conversationId: mafiaChannels.mafia });
    expect(peek.ok).toBe(false);
    expect(peek.error.code).toBe('NOT_A_MEMBER');
  });
});
