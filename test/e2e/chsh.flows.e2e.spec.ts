import { parse } from 'csv-parse/sync';
import { pairQuota, roundLimit } from '../../src/games/domain/chsh/chsh.assignment';
import { sessionStatistics } from '../../src/games/domain/chsh/chsh.statistics';
import type { AnsweredRound, ItemPair } from '../../src/games/domain/chsh/chsh.types';
import type { ChshReport } from '../../src/protocol/chsh.protocol';
import { until } from '../support/chat';
import { chshPlayer, chshSession, chshTeam, hostDo, playRounds, type ChshSession } from '../support/chsh';
import { account } from '../support/moderation';
import { aid, ok } from '../support/rooms';
import { ask, createTestApp, FAST_ROOMS, type TestApp } from '../support/test-app';

/** CHSH sessions through socket.io-client on the in-process app: the host's dashboard and its teams. */
describe('CHSH sessions over Socket.IO', () => {
  let arena: TestApp;
  beforeAll(async () => {
    arena = await createTestApp(FAST_ROOMS);
  });
  afterAll(() => arena.close());

  const report = (session: ChshSession): Promise<ChshReport> =>
    ok(session.dashboard, 'chsh:report', { sessionId: session.sessionId });

  it('plays a team of two to the round limit, each player seeing only its own item, the dashboard every team change', async () => {
    const session = await chshSession(arena);
    const [ann, bob] = await chshTeam(arena, session.sessionId, 'Qubits');
    const third = await chshPlayer(arena, 'Third');
    const team = await ok(third.socket, 'team:list', { sessionId: session.sessionId });
    const refused = await ask(third.socket, 'team:join', { actionId: aid(), teamId: team.teams[0].teamId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'TEAM_FULL' } });
    await until(() => session.teamUpdates.length >= 2, 5000, 'the dashboard to see the team');
    expect(session.teamUpdates.map((update) => update.change)).toEqual(['created', 'joined']);

    await hostDo(session, 'chsh:start');
    const limit = roundLimit('simplified');
    await Promise.all([
      playRounds(session.sessionId, ann, limit),
      playRounds(session.sessionId, bob, limit, (item) => item === 'X'),
    ]);

    // Each push carried the player's own item: A or B for slot 1, X or Y for slot 2, never the partner's.
    expect(ann.rounds.length).toBeGreaterThan(0);
    expect(ann.rounds.every((round) => round.item === 'A' || round.item === 'B')).toBe(true);
    expect(bob.rounds.every((round) => round.item === 'X' || round.item === 'Y')).toBe(true);
    expect(JSON.stringify(ann.rounds)).not.toMatch(/"[XY]"/);
    await until(() => ann.results.length === limit && bob.results.length === limit, 5000, 'every result');
    expect(ann.results.map((result) => result.round)).toEqual(Array.from({ length: limit }, (_, i) => i + 1));

    const stats = (await report(session)).teams[0].statistics;
    expect(stats.rounds).toBe(limit);
    expect(stats.correlations.map((pair) => pair.rounds)).toEqual([4, 4, 4, 4].map(() => pairQuota('simplified')));
    // Ann always true, Bob true on X only: agree on X, differ on Y: S = 1 - 1 + 1 + 1 = 2, success 75 %.
    expect(stats.s).toBe(2);
    expect(stats.successRate).toBe(0.75);
    // The next round opened at once after the limit.
    expect(await ok(ann.socket, 'chsh:state', { sessionId: session.sessionId })).toMatchObject({
      round: { round: limit + 1, answered: false },
    });
  });

  it('acknowledges an answer once per actionId, and refuses every wrong answer with its code', async () => {
    const session = await chshSession(arena);
    const { sessionId } = session;
    const loner = await chshPlayer(arena, 'Loner');
    const noTeam = await ask(loner.socket, 'chsh:answer', {
      actionId: aid(),
      sessionId,
      round: 1,
      item: 'A',
      answer: true,
    });
    expect(noTeam).toMatchObject({ ok: false, error: { code: 'NOT_IN_TEAM' } });

    const [ann, bob] = await chshTeam(arena, sessionId, 'Codes');
    const early = await ask(ann.socket, 'chsh:answer', {
      actionId: aid(),
      sessionId,
      round: 1,
      item: 'A',
      answer: true,
    });
    expect(early).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_STARTED' } });
    await hostDo(session, 'chsh:start');

    const state = await ok(ann.socket, 'chsh:state', { sessionId });
    const { round, item } = state.round;
    const wrongItem = item === 'A' ? 'B' : 'A';
    const wrongRound = await ask(ann.socket, 'chsh:answer', {
      actionId: aid(),
      sessionId,
      round: round + 1,
      item,
      answer: true,
    });
    expect(wrongRound).toMatchObject({ ok: false, error: { code: 'NOT_OPEN_ROUND' } });
    const notMine = await ask(ann.socket, 'chsh:answer', {
      actionId: aid(),
      sessionId,
      round,
      item: wrongItem,
      answer: true,
    });
    expect(notMine).toMatchObject({ ok: false, error: { code: 'WRONG_ITEM' } });

    const actionId = aid();
    const [first, copy] = await Promise.all([
      ask(ann.socket, 'chsh:answer', { actionId, sessionId, round, item, answer: true }),
      ask(ann.socket, 'chsh:answer', { actionId, sessionId, round, item, answer: true }),
    ]);
    expect(first).toMatchObject({ ok: true, data: { round, item, answer: true, closed: false } });
    expect(copy).toEqual(first);
    const again = await ask(ann.socket, 'chsh:answer', { actionId: aid(), sessionId, round, item, answer: false });
    expect(again).toMatchObject({ ok: false, error: { code: 'ALREADY_ANSWERED' } });

    await ok(bob.socket, 'team:leave', { actionId: aid(), teamId: state.teamId });
    const alone = await ask(ann.socket, 'chsh:answer', { actionId: aid(), sessionId, round, item, answer: true });
    expect(alone).toMatchObject({ ok: false, error: { code: 'TEAM_NOT_FULL' } });
  });

  it('lets a dropped player return to the same slot within the window, and the open round continues', async () => {
    const session = await chshSession(arena, 60_000);
    const { sessionId } = session;
    const [ann, bob] = await chshTeam(arena, sessionId, 'Drop');
    await hostDo(session, 'chsh:start');
    const annState = await ok(ann.socket, 'chsh:state', { sessionId });
    const bobBefore = await ok(bob.socket, 'chsh:state', { sessionId });
    await ok(ann.socket, 'chsh:answer', {
      actionId: aid(),
      sessionId,
      round: 1,
      item: annState.round.item,
      answer: true,
    });

    bob.socket.disconnect();
    await until(() => session.teamUpdates.some((update) => update.change === 'away'), 5000, 'the drop');
    const waiting = await ask(ann.socket, 'chsh:answer', {
      actionId: aid(),
      sessionId,
      round: 1,
      item: annState.round.item,
      answer: true,
    });
    expect(waiting).toMatchObject({ ok: false, error: { code: 'TEAM_NOT_FULL' } });

    const back = await arena.socket(bob.token);
    await until(() => session.teamUpdates.some((update) => update.change === 'returned'), 5000, 'the return');
    const bobAfter = await ok(back, 'chsh:state', { sessionId });
    expect(bobAfter).toMatchObject({ slot: 2, round: { round: 1, item: bobBefore.round.item, answered: false } });
    const closing = await ok(back, 'chsh:answer', {
      actionId: aid(),
      sessionId,
      round: 1,
      item: bobAfter.round.item,
      answer: false,
    });
    expect(closing).toMatchObject({ closed: true });
    expect((await ok(back, 'chsh:state', { sessionId })).round.round).toBe(2);
  });

  it('reactivates a team both players left by its name, with its rounds', async () => {
    const session = await chshSession(arena);
    const { sessionId } = session;
    const [ann, bob] = await chshTeam(arena, sessionId, 'Phoenix');
    await hostDo(session, 'chsh:start');
    await Promise.all([playRounds(sessionId, ann, 3), playRounds(sessionId, bob, 3)]);
    const { teamId } = await ok(ann.socket, 'chsh:state', { sessionId });
    await ok(ann.socket, 'team:leave', { actionId: aid(), teamId });
    await ok(bob.socket, 'team:leave', { actionId: aid(), teamId });
    expect((await report(session)).teams[0]).toMatchObject({ active: false });

    const [cid, dee] = [await chshPlayer(arena, 'Cid'), await chshPlayer(arena, 'Dee')];
    const back = await ok(cid.socket, 'team:create', { actionId: aid(), sessionId, name: 'PHOENIX' });
    expect(back).toMatchObject({ teamId, reactivated: true });
    await ok(dee.socket, 'team:join', { actionId: aid(), teamId });
    await until(() => cid.rounds.length > 0, 5000, 'the round to open for the full team');
    const state = await ok(cid.socket, 'chsh:state', { sessionId });
    expect(state).toMatchObject({ teamId, round: { round: 4 } });
    expect((await report(session)).teams[0]).toMatchObject({ teamId, active: true, statistics: { rounds: 3 } });
  });

  it('restarts: rounds and answers go, the teams stay', async () => {
    const session = await chshSession(arena);
    const { sessionId } = session;
    const [ann, bob] = await chshTeam(arena, sessionId, 'Again');
    await hostDo(session, 'chsh:start');
    await Promise.all([playRounds(sessionId, ann, 2), playRounds(sessionId, bob, 2)]);
    expect((await report(session)).pooled.rounds).toBe(2);

    expect(await hostDo(session, 'chsh:restart')).toMatchObject({ status: 'setup' });
    const after = await report(session);
    expect(after.pooled.rounds).toBe(0);
    expect(after.teams.map((team) => [team.name, team.full])).toEqual([['Again', true]]);
    await ok(session.dashboard, 'chsh:configure', { actionId: aid(), sessionId, mode: 'classic' });
    await hostDo(session, 'chsh:start');
    expect(await ok(ann.socket, 'chsh:state', { sessionId })).toMatchObject({ mode: 'classic', round: { round: 1 } });
  });

  it('refuses answers while paused with SESSION_PAUSED, and resume opens the round again', async () => {
    const session = await chshSession(arena);
    const { sessionId } = session;
    const [ann] = await chshTeam(arena, sessionId, 'Pause');
    await hostDo(session, 'chsh:start');
    const { round } = await ok(ann.socket, 'chsh:state', { sessionId });
    await hostDo(session, 'chsh:pause');
    const paused = await ask(ann.socket, 'chsh:answer', {
      actionId: aid(),
      sessionId,
      round: round.round,
      item: round.item,
      answer: true,
    });
    expect(paused).toMatchObject({ ok: false, error: { code: 'SESSION_PAUSED' } });
    expect(await ok(ann.socket, 'chsh:state', { sessionId })).toMatchObject({ status: 'paused', round: null });

    await hostDo(session, 'chsh:resume');
    expect(await ok(ann.socket, 'chsh:state', { sessionId })).toMatchObject({ status: 'running', round });
    await ok(ann.socket, 'chsh:answer', {
      actionId: aid(),
      sessionId,
      round: round.round,
      item: round.item,
      answer: true,
    });
  });

  it('closes the team chat while the team’s rounds are open, and opens it while the session is paused', async () => {
    const session = await chshSession(arena);
    const { sessionId } = session;
    const [ann, bob] = await chshTeam(arena, sessionId, 'Whisper');
    const { teamId } = await ok(ann.socket, 'chsh:state', { sessionId });
    let conversationId = '';
    for (let attempt = 0; attempt < 100 && conversationId === ''; attempt += 1) {
      const mine = await ok(bob.socket, 'chat:conversations', undefined);
      conversationId = mine.find((c: { teamId: string | null }) => c.teamId === teamId)?.id ?? '';
      if (conversationId === '') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const send = (body: string) => ask(ann.socket, 'chat:send', { conversationId, clientMsgId: aid('m'), body });
    /** Sends until the reply has this outcome: the access change follows the commit on the in-process bus. */
    const eventually = async (code: string | null) => {
      for (let attempt = 0; attempt < 100; attempt += 1) {
        const reply = await send(`attempt ${attempt}`);
        if (code === null ? reply.ok : reply.error?.code === code) return reply;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`chat never answered ${code ?? 'ok'}`);
    };
    expect(await send('Before the start we may talk')).toMatchObject({ ok: true });
    await hostDo(session, 'chsh:start');
    await eventually('CHANNEL_CLOSED');
    const fromPartner = await ask(bob.socket, 'chat:send', { conversationId, clientMsgId: aid('m'), body: 'psst' });
    expect(fromPartner).toMatchObject({ ok: false, error: { code: 'CHANNEL_CLOSED' } });
    await hostDo(session, 'chsh:pause');
    await eventually(null);
  });

  it('refuses every dashboard control to a connection that is not the host, whatever the payload says', async () => {
    const session = await chshSession(arena);
    const { sessionId } = session;
    const [ann] = await chshTeam(arena, sessionId, 'Rebels');
    for (const event of ['chsh:start', 'chsh:pause', 'chsh:resume', 'chsh:restart'] as const) {
      const reply = await ask(ann.socket, event, { actionId: aid(), sessionId });
      expect({ event, reply }).toMatchObject({ event, reply: { ok: false, error: { code: 'HOST_ONLY' } } });
    }
    const mode = await ask(ann.socket, 'chsh:configure', { actionId: aid(), sessionId, mode: 'classic' });
    expect(mode).toMatchObject({ ok: false, error: { code: 'HOST_ONLY' } });
    const peek = await ask(ann.socket, 'chsh:report', { sessionId });
    expect(peek).toMatchObject({ ok: false, error: { code: 'HOST_ONLY' } });
    const posing = await ask(ann.socket, 'chsh:start', {
      actionId: aid(),
      sessionId,
      userId: session.host.userId,
      host: true,
    });
    expect(posing).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await report(session)).toMatchObject({ status: 'setup', mode: 'simplified' });
    await arena.http().get(`/chsh/sessions/${sessionId}/statistics`).set(ann.auth).expect(403);
  });

  it('sends at most two dashboard updates a second while 50 teams answer as fast as they can; the CSV parses back to the same statistics', async () => {
    const session = await chshSession(arena);
    const { sessionId } = session;
    const teams = [];
    for (let n = 0; n < 50; n += 1) teams.push(await chshTeam(arena, sessionId, `Team ${n + 1}`));
    await hostDo(session, 'chsh:start');
    const started = Date.now();
    const rounds = 8;
    await Promise.all(
      teams.flatMap(([first, second]) => [
        playRounds(sessionId, first, rounds, () => Math.random() < 0.5),
        playRounds(sessionId, second, rounds, () => Math.random() < 0.5),
      ]),
    );
    const elapsed = Date.now() - started;
    await until(
      () => session.reports.at(-1)?.report.pooled.rounds === 50 * rounds,
      5000,
      'the dashboard to show every round',
    );
    const live = session.reports.filter((entry) => entry.at >= started);
    // Far fewer updates than the 800 answers, spaced by the throttle: never three within a second.
    expect(live.length).toBeGreaterThan(1);
    expect(live.length).toBeLessThanOrEqual(Math.ceil(((Date.now() - started) / 1000) * 2) + 1);
    for (let i = 2; i < live.length; i += 1) expect(live[i].at - live[i - 2].at).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeGreaterThan(0);

    const moderator = await account(arena, 'moderator', 'chshmod');
    const login = await arena
      .http()
      .post('/auth/login')
      .send({ username: moderator.username, password: 'a long enough password' })
      .expect(200);
    const json = await arena
      .http()
      .get(`/chsh/sessions/${sessionId}/statistics`)
      .set({ Authorization: `Bearer ${login.body.token}` })
      .expect(200);
    const csv = await arena.http().get(`/chsh/sessions/${sessionId}/rounds.csv`).set(session.host.auth).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(50 * rounds);
    const back: AnsweredRound[] = rows.map((row) => ({
      team: row.team,
      round: Number(row.round),
      items: [row.item1, row.item2] as unknown as ItemPair,
      answers: [row.answer1 === 'true', row.answer2 === 'true'],
      at: Date.parse(row.time),
    }));
    const names = (json.body as ChshReport).teams.map((team) => team.name);
    const fromCsv = sessionStatistics(back, 'simplified', names);
    expect(fromCsv.pooled).toEqual(json.body.pooled);
    for (const team of (json.body as ChshReport).teams) expect(fromCsv.teams[team.name]).toEqual(team.statistics);
  }, 120_000);
});
