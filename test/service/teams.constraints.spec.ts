import { DataSource } from 'typeorm';
import { TeamsService } from '../../src/teams/teams.service';
import { newWorld, type TestUser, type World } from '../support/factories';

/**
 * The teams module's invariants live in the database: racing players cannot make two teams of one name,
 * two members of the last slot, or one player a member of two teams of a session, whatever the code does.
 */
describe('teams: the database keeps names, slots and players unique under concurrency', () => {
  let world: World;
  let teams: TeamsService;
  let db: DataSource;
  let host: TestUser;

  beforeAll(async () => {
    world = await newWorld();
    teams = world.get(TeamsService);
    db = world.get(DataSource);
    host = await world.newUser({ displayName: 'Teacher' });
  });
  afterAll(() => world.close());

  const session = async () => (await world.newRoom(host, { gameId: 'bench', seat: false })).roomId;
  const users = (n: number, prefix: string) =>
    Promise.all(Array.from({ length: n }, (_, i) => world.newUser({ displayName: `${prefix} ${i + 1}` })));
  const codes = (results: PromiseSettledResult<unknown>[]) =>
    results
      .filter((result): result is PromiseRejectedResult => result.status === 'rejected')
      .map((result) => (result.reason as { code?: string }).code);

  it('makes one team of 12 concurrent creates of one name in any case; the others get TEAM_NAME_TAKEN', async () => {
    const sessionId = await session();
    const players = await users(12, 'Creator');
    const spellings = ['Quanta', 'QUANTA', 'quanta', ' Quanta '];
    const results = await Promise.allSettled(
      players.map((player, i) => teams.create(player, sessionId, spellings[i % spellings.length])),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(codes(results)).toEqual(Array(11).fill('TEAM_NAME_TAKEN'));
    const rows = await db.query(`SELECT count(*)::int AS n FROM teams WHERE session_id = $1`, [sessionId]);
    expect(rows[0].n).toBe(1);
    const members = await db.query(
      `SELECT count(*)::int AS n FROM team_members WHERE session_id = $1 AND left_at IS NULL`,
      [sessionId],
    );
    expect(members[0].n).toBe(1);
  });

  it('gives the last slot to exactly one of 12 concurrent joiners; the others get TEAM_FULL', async () => {
    const sessionId = await session();
    const [founder, ...joiners] = await users(13, 'Joiner');
    const team = await teams.create(founder, sessionId, 'Last slot');
    const results = await Promise.allSettled(joiners.map((player) => teams.join(player, team.teamId)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(codes(results)).toEqual(Array(11).fill('TEAM_FULL'));
    const view = await teams.get(team.teamId);
    expect(view.members.map((member) => member.slot)).toEqual([1, 2]);
    expect(view.full).toBe(true);
  });

  it('keeps a player in one team of a session: refused by the service and by the database itself', async () => {
    const sessionId = await session();
    const [ann, bob] = await users(2, 'Member');
    const first = await teams.create(ann, sessionId, 'First');
    const second = await teams.create(bob, sessionId, 'Second');
    await expect(teams.join(ann, second.teamId)).rejects.toMatchObject({ code: 'ALREADY_IN_TEAM' });
    await expect(teams.create(ann, sessionId, 'Third')).rejects.toMatchObject({ code: 'ALREADY_IN_TEAM' });
    // Past the code: a direct insert of a second live membership breaks the unique index.
    await expect(
      db.query(`INSERT INTO team_members (team_id, session_id, user_id, slot) VALUES ($1, $2, $3, 2)`, [
        second.teamId,
        sessionId,
        ann.userId,
      ]),
    ).rejects.toMatchObject({ code: '23505', constraint: 'uq_team_members_session_user' });
    expect((await teams.list(ann, sessionId)).yourTeamId).toBe(first.teamId);
  });

  it('lets one player racing into two teams at once end up in exactly one', async () => {
    const sessionId = await session();
    const [racer, a, b] = await users(3, 'Racer');
    const [teamA, teamB] = [await teams.create(a, sessionId, 'Red'), await teams.create(b, sessionId, 'Blue')];
    const results = await Promise.allSettled([
      teams.join(racer, teamA.teamId),
      teams.join(racer, teamB.teamId),
      teams.create(racer, sessionId, 'Green'),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(codes(results)).toEqual(['ALREADY_IN_TEAM', 'ALREADY_IN_TEAM']);
    const live = await db.query(
      `SELECT count(*)::int AS n FROM team_members WHERE session_id = $1 AND user_id = $2 AND left_at IS NULL`,
      [sessionId, racer.userId],
    );
    expect(live[0].n).toBe(1);
  });

  it('refuses a second active team of one name in the database too, case-insensitively', async () => {
    const sessionId = await session();
    const [ann] = await users(1, 'Namer');
    await teams.create(ann, sessionId, 'Entangled');
    await expect(
      db.query(`INSERT INTO teams (session_id, name) VALUES ($1, 'ENTANGLED')`, [sessionId]),
    ).rejects.toMatchObject({ code: '23505', constraint: 'uq_teams_session_name' });
  });

  it('reactivates an inactive team by its name, in any case, with its id', async () => {
    const sessionId = await session();
    const [ann, bob, cid] = await users(3, 'Back');
    const team = await teams.create(ann, sessionId, 'Phoenix');
    await teams.join(bob, team.teamId);
    await teams.leave(ann, team.teamId);
    expect(await teams.leave(bob, team.teamId)).toMatchObject({ active: false });
    await expect(teams.join(cid, team.teamId)).rejects.toMatchObject({ code: 'TEAM_INACTIVE' });
    const back = await teams.create(cid, sessionId, 'PHOENIX');
    expect(back).toMatchObject({ teamId: team.teamId, name: 'Phoenix', reactivated: true, active: true, slot: 1 });
    await expect(teams.create(ann, sessionId, 'phoenix')).rejects.toMatchObject({ code: 'TEAM_NAME_TAKEN' });
  });

  it('refuses the host, a blank name, an unknown session and leaving a team you are not in, each with its code', async () => {
    const sessionId = await session();
    const [ann] = await users(1, 'Edge');
    await expect(teams.create(host, sessionId, 'Teachers')).rejects.toMatchObject({ code: 'HOST_CANNOT_PLAY' });
    await expect(teams.create(ann, sessionId, '   ')).rejects.toMatchObject({ code: 'NAME_REQUIRED' });
    await expect(teams.create(ann, '00000000-0000-4000-8000-000000000000', 'Nowhere')).rejects.toMatchObject({
      code: 'SESSION_NOT_FOUND',
    });
    const team = await teams.create(ann, sessionId, 'Solo');
    const [bob] = await users(1, 'Stranger');
    await expect(teams.leave(bob, team.teamId)).rejects.toMatchObject({ code: 'NOT_IN_TEAM' });
  });
});
