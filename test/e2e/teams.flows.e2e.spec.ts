import type { Socket } from 'socket.io-client';
import type { TeamUpdate } from '../../src/protocol/teams.protocol';
import { collect, players, until, type Player } from '../support/chat';
import { aid, ok } from '../support/rooms';
import { ask, createTestApp, FAST_ROOMS, type TestApp } from '../support/test-app';

/**
 * Teams through socket.io-client on the in-process app, as a lecture hall uses them: the host's dashboard
 * connection hears every team change of its session; players form teams of two, drop and come back to
 * the same slot, and a team everyone left comes back by its name.
 */
describe('teams over Socket.IO', () => {
  let arena: TestApp;
  beforeAll(async () => {
    arena = await createTestApp(FAST_ROOMS);
  });
  afterAll(() => arena.close());

  async function session(reconnectWindowMs = 60_000) {
    const [host] = await players(arena, 1, 'Teacher');
    const dashboard = await arena.socket(host.token);
    const updates = collect<TeamUpdate>(dashboard, 'team:update');
    const { roomId } = await ok(dashboard, 'room:create', {
      actionId: aid(),
      gameId: 'bench',
      seat: false,
      reconnectWindowMs,
    });
    return { host, dashboard, updates, sessionId: roomId as string };
  }

  const connect = async (people: Player[]) => Promise.all(people.map((person) => arena.socket(person.token)));
  const changes = (updates: TeamUpdate[]) => updates.map((update) => update.change);

  it('forms a team of two while the dashboard sees every change, refuses a third player, and gives the team a chat', async () => {
    const { dashboard, updates, sessionId } = await session();
    const [ann, bob, cid] = await players(arena, 3, 'Student');
    const [annSocket, bobSocket, cidSocket] = await connect([ann, bob, cid]);

    const created = await ok(annSocket, 'team:create', { actionId: aid(), sessionId, name: 'Qubits' });
    expect(created).toMatchObject({ name: 'Qubits', slot: 1, active: true, full: false, reactivated: false });
    const joined = await ok(bobSocket, 'team:join', { actionId: aid(), teamId: created.teamId });
    expect(joined).toMatchObject({ slot: 2, full: true });

    const third = await ask(cidSocket, 'team:join', { actionId: aid(), teamId: created.teamId });
    expect(third).toMatchObject({ ok: false, error: { code: 'TEAM_FULL' } });
    const sameName = await ask(cidSocket, 'team:create', { actionId: aid(), sessionId, name: 'QUBITS' });
    expect(sameName).toMatchObject({ ok: false, error: { code: 'TEAM_NAME_TAKEN' } });

    await until(() => updates.length >= 2, 5000, 'the dashboard to see both changes');
    expect(changes(updates)).toEqual(['created', 'joined']);
    expect(updates[1].team.members.map((member) => [member.slot, member.userId])).toEqual([
      [1, ann.userId],
      [2, bob.userId],
    ]);

    const list = await ok(dashboard, 'team:list', { sessionId });
    expect(list.teams.map((team: { name: string }) => team.name)).toEqual(['Qubits']);

    // The team's conversation follows its members.
    const findTeamChat = async (socket: Socket) => {
      for (let attempt = 0; attempt < 50; attempt += 1) {
        const mine = await ok(socket, 'chat:conversations', undefined);
        const team = mine.find(
          (c: { kind: string; teamId: string }) => c.kind === 'team' && c.teamId === created.teamId,
        );
        if (team) return team as { id: string; members?: number };
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('no team conversation');
    };
    const conversation = await findTeamChat(bobSocket);
    const sent = await ok(annSocket, 'chat:send', {
      conversationId: conversation.id,
      clientMsgId: aid('m'),
      body: 'We answer true on A',
    });
    expect(sent).toMatchObject({ body: 'We answer true on A' });
    const outsider = await ask(cidSocket, 'chat:history', { conversationId: conversation.id });
    expect(outsider).toMatchObject({ ok: false, error: { code: 'NOT_A_MEMBER' } });
  });

  it('answers a repeated team:create with the first answer, exactly once', async () => {
    const { sessionId } = await session();
    const [ann] = await players(arena, 1, 'Repeat');
    const [socket] = await connect([ann]);
    const actionId = aid();
    const [first, second] = await Promise.all([
      ask(socket, 'team:create', { actionId, sessionId, name: 'Once' }),
      ask(socket, 'team:create', { actionId, sessionId, name: 'Once' }),
    ]);
    expect(first).toMatchObject({ ok: true });
    expect(second).toEqual(first);
    const list = await ok(socket, 'team:list', { sessionId });
    expect(list.teams).toHaveLength(1);
  });

  it('holds a dropped player’s slot: the partner waits, and the player returns to the same slot', async () => {
    const { updates, sessionId } = await session(60_000);
    const [ann, bob] = await players(arena, 2, 'Dropper');
    const [annSocket, bobSocket] = await connect([ann, bob]);
    const team = await ok(annSocket, 'team:create', { actionId: aid(), sessionId, name: 'Entangled' });
    await ok(bobSocket, 'team:join', { actionId: aid(), teamId: team.teamId });
    const partnerSees = collect<TeamUpdate>(annSocket, 'team:update');

    bobSocket.disconnect();
    await until(() => updates.some((update) => update.change === 'away'), 5000, 'the away update');
    const away = updates.find((update) => update.change === 'away')!;
    expect(away.team.full).toBe(false);
    expect(away.team.members.find((member) => member.slot === 2)).toMatchObject({ userId: bob.userId, away: true });
    await until(() => partnerSees.some((update) => update.change === 'away'), 5000, 'the partner to see it');

    const back = await arena.socket(bob.token);
    await until(() => updates.some((update) => update.change === 'returned'), 5000, 'the returned update');
    const returned = updates.find((update) => update.change === 'returned')!;
    expect(returned.team).toMatchObject({ teamId: team.teamId, full: true });
    expect(returned.team.members.find((member) => member.slot === 2)).toMatchObject({
      userId: bob.userId,
      away: false,
    });
    expect((await ok(back, 'team:list', { sessionId })).yourTeamId).toBe(team.teamId);
  });

  it('makes a team whose players both left inactive, and reactivates it by name with its id', async () => {
    const { updates, sessionId } = await session(200);
    const [ann, bob, cid] = await players(arena, 3, 'Leaver');
    const [annSocket, bobSocket, cidSocket] = await connect([ann, bob, cid]);
    const team = await ok(annSocket, 'team:create', { actionId: aid(), sessionId, name: 'Bell Pair' });
    await ok(bobSocket, 'team:join', { actionId: aid(), teamId: team.teamId });

    expect(await ok(bobSocket, 'team:leave', { actionId: aid(), teamId: team.teamId })).toMatchObject({ active: true });
    // Ann drops and does not come back within the 200 ms window: she leaves, and nobody is left.
    annSocket.disconnect();
    await until(() => updates.some((update) => update.change === 'expired'), 5000, 'the expiry');
    expect(updates.find((update) => update.change === 'expired')!.team).toMatchObject({ active: false, members: [] });
    const refused = await ask(cidSocket, 'team:join', { actionId: aid(), teamId: team.teamId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'TEAM_INACTIVE' } });

    const back = await ok(cidSocket, 'team:create', { actionId: aid(), sessionId, name: 'bell pair' });
    expect(back).toMatchObject({ teamId: team.teamId, name: 'Bell Pair', reactivated: true, slot: 1 });
    expect(changes(updates)).toEqual(['created', 'joined', 'left', 'away', 'expired', 'reactivated']);
  });
});
