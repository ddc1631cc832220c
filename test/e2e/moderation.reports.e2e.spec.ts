import { aid, ok } from '../support/rooms';
import { account, bearer, guestAccount, sql, type Account } from '../support/moderation';
import { createTestApp, type TestApp, UNTHROTTLED } from '../support/test-app';

describe('moderation: reports, resolution, audit log and the admin API', () => {
  let arena: TestApp;
  let moderator: Account;
  let admin: Account;
  let player: Account;

  beforeAll(async () => {
    arena = await createTestApp({ ...UNTHROTTLED, REPORT_THROTTLE_LIMIT: '5' });
    moderator = await account(arena, 'moderator', 'mod');
    admin = await account(arena, 'admin', 'admin');
    player = await account(arena, 'player', 'player');
  });
  afterAll(() => arena.close());

  const report = (who: Account, body: Record<string, unknown>) =>
    arena.http().post('/reports').set(bearer(who.token)).send(body);
  const resolve = (who: Account, reportId: string, body: Record<string, unknown>) =>
    arena.http().post(`/admin/reports/${reportId}/resolve`).set(bearer(who.token)).send(body);

  describe('role enforcement', () => {
    const routes: Array<[string, string, Record<string, unknown> | null]> = [
      ['get', '/admin/reports', null],
      ['get', '/admin/sanctions', null],
      ['get', '/admin/audit', null],
      ['get', '/admin/rollout', null],
      ['get', '/admin/rule-sets', null],
      ['post', '/admin/sanctions', { userId: '00000000-0000-4000-8000-000000000000', kind: 'warn', reason: 'x' }],
      ['post', '/admin/policy/check', { text: 'hello', surface: 'chat' }],
    ];

    it.each(routes)('%s %s answers 401 UNAUTHENTICATED without a session', async (method, path, body) => {
      const response = await arena
        .http()
        [method as 'get'](path)
        .send(body ?? undefined);
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('UNAUTHENTICATED');
    });

    it.each(routes)('%s %s answers 403 FORBIDDEN to a player and a guest', async (method, path, body) => {
      const guest = await guestAccount(arena);
      for (const who of [player, guest]) {
        const response = await arena
          .http()
          [method as 'get'](path)
          .set(bearer(who.token))
          .send(body ?? undefined);
        expect(response.status).toBe(403);
        expect(response.body.code).toBe('FORBIDDEN');
      }
    });

    it('lets moderators and admins read every admin list', async () => {
      for (const who of [moderator, admin]) {
        for (const path of [
          '/admin/reports',
          '/admin/sanctions',
          '/admin/audit',
          '/admin/rollout',
          '/admin/rule-sets',
        ]) {
          await arena.http().get(path).set(bearer(who.token)).expect(200);
        }
      }
    });

    it('keeps rule-set changes to admins: a moderator gets 403', async () => {
      for (const [method, path, body] of [
        ['post', '/admin/rollout/candidate', { ruleSet: {}, percent: 0 }],
        ['put', '/admin/rollout/percent', { percent: 5 }],
        ['post', '/admin/rollout/promote', {}],
        ['post', '/admin/rollout/rollback', {}],
      ] as const) {
        const response = await arena.http()[method](path).set(bearer(moderator.token)).send(body);
        expect(response.status).toBe(403);
        expect(response.body.code).toBe('FORBIDDEN');
      }
    });
  });

  describe('filing reports', () => {
    it('merges a reporter\u2019s repeated reports on one open target, and keeps other reporters apart', async () => {
      const target = await guestAccount(arena);
      const reporter = await guestAccount(arena);
      const first = await report(reporter, {
        targetKind: 'user',
        targetId: target.userId,
        reason: 'harassment',
        note: 'called me names',
      }).expect(201);
      expect(first.body).toMatchObject({
        merged: false,
        report: { status: 'open', reportCount: 1, targetKind: 'user', targetId: target.userId },
      });
      const again = await report(reporter, {
        targetKind: 'user',
        targetId: target.userId,
        reason: 'threat',
        note: 'and again',
      }).expect(201);
      expect(again.body).toMatchObject({
        merged: true,
        report: { id: first.body.report.id, reportCount: 2, reason: 'threat' },
      });
      const other = await report(player, { targetKind: 'user', targetId: target.userId, reason: 'spam' }).expect(201);
      expect(other.body.report.id).not.toBe(first.body.report.id);

      const rows = await sql<{ report_count: number; note: string }>(
        arena,
        `SELECT report_count, note FROM reports WHERE target_id = $1 ORDER BY report_count DESC`,
        [target.userId],
      );
      expect(rows).toEqual([
        { report_count: 2, note: 'called me names\nand again' },
        { report_count: 1, note: '' },
      ]);
    });

    it('opens a new report once the previous one on the same target was resolved', async () => {
      const target = await guestAccount(arena);
      const reporter = await guestAccount(arena);
      const first = await report(reporter, { targetKind: 'user', targetId: target.userId, reason: 'spam' }).expect(201);
      await resolve(moderator, first.body.report.id, { action: 'dismiss', reason: 'not spam' }).expect(200);
      const second = await report(reporter, { targetKind: 'user', targetId: target.userId, reason: 'spam' }).expect(
        201,
      );
      expect(second.body).toMatchObject({ merged: false, report: { reportCount: 1 } });
      expect(second.body.report.id).not.toBe(first.body.report.id);
    });

    it('refuses unknown targets, oneself, bad reasons, and messages while chat is not installed', async () => {
      const reporter = await guestAccount(arena);
      const missing = await report(reporter, {
        targetKind: 'user',
        targetId: '00000000-0000-4000-8000-000000000000',
        reason: 'spam',
      }).expect(404);
      expect(missing.body.code).toBe('REPORT_TARGET_NOT_FOUND');
      const self = await report(reporter, { targetKind: 'user', targetId: reporter.userId, reason: 'spam' }).expect(
        400,
      );
      expect(self.body.code).toBe('CANNOT_REPORT_SELF');
      const invalid = await report(reporter, { targetKind: 'user', targetId: player.userId, reason: 'because' }).expect(
        400,
      );
      expect(invalid.body.code).toBe('VALIDATION_FAILED');
      const extra = await report(reporter, {
        targetKind: 'user',
        targetId: player.userId,
        reason: 'spam',
        severity: 9,
      }).expect(400);
      expect(extra.body.code).toBe('VALIDATION_FAILED');
      // Before chat lands there is no messages table; after, no message has this id: either way, not found.
      const message = await report(reporter, {
        targetKind: 'message',
        targetId: '00000000-0000-4000-8000-000000000001',
        reason: 'spam',
      }).expect(404);
      expect(message.body.code).toBe('REPORT_TARGET_NOT_FOUND');
    });

    it('throttles reports per reporter with RATE_LIMITED, apart from the other limits', async () => {
      const reporter = await guestAccount(arena);
      const targets = await Promise.all(Array.from({ length: 6 }, () => guestAccount(arena)));
      const statuses: number[] = [];
      for (const target of targets)
        statuses.push((await report(reporter, { targetKind: 'user', targetId: target.userId, reason: 'spam' })).status);
      expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
      const limited = await report(reporter, {
        targetKind: 'user',
        targetId: targets[0].userId,
        reason: 'spam',
      }).expect(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect(limited.headers['retry-after']).toBeDefined();
      // Other routes are not affected by the report limit.
      await arena.http().get('/me').set(bearer(reporter.token)).expect(200);
    });
  });

  describe('listing and opening reports', () => {
    it('lists by status and target, newest first', async () => {
      const target = await guestAccount(arena);
      const reporters = await Promise.all([guestAccount(arena), guestAccount(arena), guestAccount(arena)]);
      const ids: string[] = [];
      for (const reporter of reporters)
        ids.push(
          (await report(reporter, { targetKind: 'user', targetId: target.userId, reason: 'spam' }).expect(201)).body
            .report.id,
        );
      await resolve(moderator, ids[0], { action: 'dismiss', reason: 'fine' }).expect(200);

      const open = await arena
        .http()
        .get('/admin/reports')
        .query({ status: 'open', targetKind: 'user', targetId: target.userId })
        .set(bearer(moderator.token))
        .expect(200);
      expect(open.body.reports.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);
      const resolved = await arena
        .http()
        .get('/admin/reports')
        .query({ status: 'resolved', targetId: target.userId })
        .set(bearer(moderator.token))
        .expect(200);
      expect(resolved.body.reports).toHaveLength(1);
      expect(resolved.body.reports[0]).toMatchObject({
        id: ids[0],
        resolution: 'dismiss',
        resolvedBy: moderator.userId,
      });
      const byUser = await arena
        .http()
        .get('/admin/reports')
        .query({ targetUserId: target.userId, limit: 2 })
        .set(bearer(moderator.token))
        .expect(200);
      expect(byUser.body.reports).toHaveLength(2);
      const bad = await arena
        .http()
        .get('/admin/reports')
        .query({ status: 'pending' })
        .set(bearer(moderator.token))
        .expect(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
    });

    it('opens a room report with the room\u2019s recent public events and never a private one', async () => {
      const host = await arena.socket((await guestAccount(arena, 'Room Host')).token);
      const room = await ok(host, 'room:create', {
        actionId: aid(),
        gameId: 'mafia',
        seatCount: 5,
        botFill: true,
        name: 'Night Club',
      });
      await ok(host, 'room:start', { actionId: aid(), roomId: room.roomId });
      const reporter = await guestAccount(arena);
      const filed = await report(reporter, {
        targetKind: 'room',
        targetId: room.roomId,
        reason: 'name',
        note: 'look at it',
      }).expect(201);

      const opened = await arena
        .http()
        .get(`/admin/reports/${filed.body.report.id}`)
        .set(bearer(moderator.token))
        .expect(200);
      expect(opened.body.report).toMatchObject({ targetKind: 'room', roomId: room.roomId, note: 'look at it' });
      expect(opened.body.context.room).toMatchObject({ id: room.roomId, name: 'Night Club', gameId: 'mafia' });
      const types = opened.body.context.events.flatMap((e: { events: Array<{ type: string }> }) =>
        e.events.map((x) => x.type),
      );
      expect(types).toEqual(expect.arrayContaining(['room_created', 'game_started']));
      // Roles are dealt to single seats: a moderator's context is what any spectator could see.
      const [{ dealt }] = await sql<{ dealt: number }>(
        arena,
        `SELECT count(*)::int AS dealt FROM room_events, jsonb_array_elements(payload->'events') e WHERE room_id = $1 AND e->>'type' = 'role_assigned'`,
        [room.roomId],
      );
      expect(dealt).toBeGreaterThan(0);
      expect(types).not.toContain('role_assigned');
    });

    it('opens a user report with the user, their sanctions and the other open reports', async () => {
      const target = await guestAccount(arena);
      const [a, b] = [await guestAccount(arena), await guestAccount(arena)];
      const first = await report(a, { targetKind: 'user', targetId: target.userId, reason: 'spam' }).expect(201);
      const second = await report(b, { targetKind: 'user', targetId: target.userId, reason: 'hate' }).expect(201);
      await arena
        .http()
        .post('/admin/sanctions')
        .set(bearer(moderator.token))
        .send({ userId: target.userId, kind: 'warn', reason: 'first warning' })
        .expect(201);
      const opened = await arena
        .http()
        .get(`/admin/reports/${first.body.report.id}`)
        .set(bearer(moderator.token))
        .expect(200);
      expect(opened.body.context.user).toMatchObject({ id: target.userId, kind: 'guest' });
      expect(opened.body.context.sanctions.map((s: { kind: string }) => s.kind)).toEqual(['warn']);
      expect(opened.body.context.openReports.map((r: { id: string }) => r.id)).toEqual([second.body.report.id]);
    });

    it('answers 404 REPORT_NOT_FOUND and 400 for a malformed id', async () => {
      const missing = await arena
        .http()
        .get('/admin/reports/00000000-0000-4000-8000-000000000000')
        .set(bearer(moderator.token))
        .expect(404);
      expect(missing.body.code).toBe('REPORT_NOT_FOUND');
      await arena.http().get('/admin/reports/not-a-uuid').set(bearer(moderator.token)).expect(400);
    });
  });

  describe('resolving reports', () => {
    async function openReport(target?: Account) {
      const about = target ?? (await guestAccount(arena));
      const reporter = await guestAccount(arena);
      const filed = await report(reporter, { targetKind: 'user', targetId: about.userId, reason: 'harassment' }).expect(
        201,
      );
      return { target: about, reportId: filed.body.report.id as string };
    }

    it('dismisses: no sanction, the report closed, an audit entry', async () => {
      const { reportId } = await openReport();
      const done = await resolve(moderator, reportId, { action: 'dismiss', reason: 'banter between friends' }).expect(
        200,
      );
      expect(done.body).toMatchObject({
        report: { status: 'resolved', resolution: 'dismiss', sanctionId: null },
        sanction: null,
      });
    });

    it.each([
      ['warn', {}, null],
      ['mute', { durationSeconds: 600 }, 600],
      ['ban', { durationSeconds: 3600 }, 3600],
      ['ban', { permanent: true }, null],
    ] as const)('%s %j: a sanction with its expiry, linked to the report', async (action, terms, seconds) => {
      const { target, reportId } = await openReport();
      const before = Date.now();
      const done = await resolve(moderator, reportId, { action, reason: `resolved by ${action}`, ...terms }).expect(
        200,
      );
      expect(done.body.report).toMatchObject({
        status: 'resolved',
        resolution: action,
        sanctionId: done.body.sanction.id,
      });
      expect(done.body.sanction).toMatchObject({
        userId: target.userId,
        kind: action,
        reportId,
        createdBy: moderator.userId,
        reason: `resolved by ${action}`,
      });
      if (seconds === null) expect(done.body.sanction.expiresAt).toBeNull();
      else expect(Date.parse(done.body.sanction.expiresAt)).toBeGreaterThanOrEqual(before + seconds * 1000 - 1000);
    });

    it('kicks from the report\u2019s room', async () => {
      const host = await arena.socket((await guestAccount(arena, 'Kick Host')).token);
      const room = await ok(host, 'room:create', { actionId: aid(), gameId: 'roast', name: 'Roast Pit' });
      const target = await guestAccount(arena);
      const reporter = await guestAccount(arena);
      const filed = await report(reporter, {
        targetKind: 'user',
        targetId: target.userId,
        reason: 'harassment',
        roomId: room.roomId,
      }).expect(201);
      const done = await resolve(moderator, filed.body.report.id, {
        action: 'kick',
        reason: 'out',
        durationSeconds: 120,
      }).expect(200);
      expect(done.body.sanction).toMatchObject({ kind: 'kick', roomId: room.roomId, userId: target.userId });
    });

    it('refuses terms that do not fit the action, leaving the report open', async () => {
      const { reportId } = await openReport();
      for (const body of [
        { action: 'mute', reason: 'x' },
        { action: 'mute', reason: 'x', permanent: true },
        { action: 'ban', reason: 'x' },
        { action: 'ban', reason: 'x', permanent: true, durationSeconds: 60 },
        { action: 'warn', reason: 'x', durationSeconds: 60 },
        { action: 'kick', reason: 'x' },
      ]) {
        const refused = await resolve(moderator, reportId, body).expect(400);
        expect(refused.body.code).toBe('SANCTION_INVALID');
      }
      const rows = await sql<{ status: string }>(arena, `SELECT status FROM reports WHERE id = $1`, [reportId]);
      expect(rows[0].status).toBe('open');
      await resolve(moderator, reportId, { action: 'explode', reason: 'x' }).expect(400);
    });

    it('does not let a moderator sanction staff', async () => {
      const other = await account(arena, 'moderator', 'mod');
      const { reportId } = await openReport(other);
      const refused = await resolve(moderator, reportId, { action: 'warn', reason: 'peer' }).expect(403);
      expect(refused.body.code).toBe('CANNOT_SANCTION_STAFF');
      const { reportId: aboutAdmin } = await openReport(admin);
      expect((await resolve(moderator, aboutAdmin, { action: 'warn', reason: 'boss' }).expect(403)).body.code).toBe(
        'CANNOT_SANCTION_STAFF',
      );
      // An admin may warn a moderator.
      await resolve(admin, reportId, { action: 'warn', reason: 'be nicer' }).expect(200);
    });

    it('lets exactly one of two moderators resolve a report: the other gets 409 REPORT_ALREADY_RESOLVED', async () => {
      const second = await account(arena, 'moderator', 'mod');
      for (let round = 0; round < 5; round += 1) {
        const { target, reportId } = await openReport();
        const [a, b] = await Promise.all([
          resolve(moderator, reportId, { action: 'mute', reason: 'first', durationSeconds: 60 }),
          resolve(second, reportId, { action: 'ban', reason: 'second', durationSeconds: 60 }),
        ]);
        expect([a.status, b.status].sort()).toEqual([200, 409]);
        const loser = a.status === 409 ? a : b;
        expect(loser.body.code).toBe('REPORT_ALREADY_RESOLVED');
        const sanctions = await sql(arena, `SELECT kind FROM sanctions WHERE user_id = $1`, [target.userId]);
        expect(sanctions).toHaveLength(1);
        const audits = await sql(arena, `SELECT id FROM audit_log WHERE action = 'report.resolve' AND target_id = $1`, [
          reportId,
        ]);
        expect(audits).toHaveLength(1);
      }
    });

    it('replays an admin POST with the same Idempotency-Key: the first answer, one effect', async () => {
      const { target, reportId } = await openReport();
      const send = () =>
        resolve(moderator, reportId, { action: 'mute', reason: 'spam', durationSeconds: 300 }).set(
          'Idempotency-Key',
          `resolve-${reportId}`,
        );
      const first = await send().expect(200);
      const replay = await send().expect(200);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(first.body);
      const sanctionBody = { userId: target.userId, kind: 'warn', reason: 'once' };
      const key = `warn-${target.userId}`;
      const [x, y] = await Promise.all([
        arena
          .http()
          .post('/admin/sanctions')
          .set(bearer(moderator.token))
          .set('Idempotency-Key', key)
          .send(sanctionBody),
        arena
          .http()
          .post('/admin/sanctions')
          .set(bearer(moderator.token))
          .set('Idempotency-Key', key)
          .send(sanctionBody),
      ]);
      expect(x.status).toBe(201);
      expect(y.status).toBe(201);
      expect(y.body).toEqual(x.body);
      expect(
        await sql(arena, `SELECT id FROM sanctions WHERE user_id = $1 AND kind = 'warn'`, [target.userId]),
      ).toHaveLength(1);
      const reused = await arena
        .http()
        .post('/admin/sanctions')
        .set(bearer(moderator.token))
        .set('Idempotency-Key', key)
        .send({ ...sanctionBody, reason: 'other' })
        .expect(422);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      // Without a key, a second resolution is the conflict, not a replay.
      expect(
        (await resolve(moderator, reportId, { action: 'mute', reason: 'spam', durationSeconds: 300 }).expect(409)).body
          .code,
      ).toBe('REPORT_ALREADY_RESOLVED');
    });
  });

  describe('the audit log', () => {
    it('records who did what to whom, why and when, for every moderator action, and searches it', async () => {
      const target = await guestAccount(arena);
      const reporter = await guestAccount(arena);
      const filed = await report(reporter, { targetKind: 'user', targetId: target.userId, reason: 'spam' }).expect(201);
      const started = new Date(Date.now() - 1000).toISOString();
      await resolve(moderator, filed.body.report.id, {
        action: 'mute',
        reason: 'flooding the lobby',
        durationSeconds: 60,
      }).expect(200);
      const direct = await arena
        .http()
        .post('/admin/sanctions')
        .set(bearer(admin.token))
        .send({ userId: target.userId, kind: 'ban', durationSeconds: 60, reason: 'evading the mute' })
        .expect(201);
      await arena
        .http()
        .post(`/admin/sanctions/${direct.body.sanction.id}/revoke`)
        .set(bearer(admin.token))
        .send({ reason: 'appeal accepted' })
        .expect(200);

      const all = await arena
        .http()
        .get('/admin/audit')
        .query({ from: started })
        .set(bearer(moderator.token))
        .expect(200);
      const mine = all.body.entries.filter(
        (e: { details: { userId?: string; targetUserId?: string }; targetId: string }) =>
          [e.targetId, e.details.userId, e.details.targetUserId].includes(target.userId) ||
          e.targetId === direct.body.sanction.id,
      );
      expect(mine.map((e: { action: string }) => e.action)).toEqual([
        'sanction.revoke',
        'sanction.create',
        'report.resolve',
      ]);
      expect(mine[2]).toMatchObject({
        actorId: moderator.userId,
        actorRole: 'moderator',
        targetKind: 'report',
        targetId: filed.body.report.id,
        reason: 'flooding the lobby',
        details: { resolution: 'mute' },
      });
      expect(mine[1]).toMatchObject({
        actorId: admin.userId,
        actorRole: 'admin',
        targetKind: 'user',
        targetId: target.userId,
        reason: 'evading the mute',
      });
      expect(Date.parse(mine[0].at)).toBeGreaterThanOrEqual(Date.parse(started));

      const byActor = await arena
        .http()
        .get('/admin/audit')
        .query({ actorId: admin.userId, action: 'sanction.revoke' })
        .set(bearer(moderator.token))
        .expect(200);
      expect(byActor.body.entries.map((e: { targetId: string }) => e.targetId)).toContain(direct.body.sanction.id);
      expect(
        byActor.body.entries.every(
          (e: { actorId: string; action: string }) => e.actorId === admin.userId && e.action === 'sanction.revoke',
        ),
      ).toBe(true);
      const byText = await arena
        .http()
        .get('/admin/audit')
        .query({ q: 'APPEAL accepted' })
        .set(bearer(moderator.token))
        .expect(200);
      expect(byText.body.entries.map((e: { action: string }) => e.action)).toEqual(['sanction.revoke']);
      const byTarget = await arena
        .http()
        .get('/admin/audit')
        .query({ targetKind: 'user', targetId: target.userId })
        .set(bearer(moderator.token))
        .expect(200);
      expect(byTarget.body.entries.map((e: { action: string }) => e.action)).toEqual(['sanction.create']);
      const page = await arena
        .http()
        .get('/admin/audit')
        .query({ limit: 1, beforeId: mine[0].id })
        .set(bearer(moderator.token))
        .expect(200);
      expect(page.body.entries).toHaveLength(1);
      expect(Number(page.body.entries[0].id)).toBeLessThan(Number(mine[0].id));
      const future = await arena
        .http()
        .get('/admin/audit')
        .query({ from: new Date(Date.now() + 3600_000).toISOString() })
        .set(bearer(moderator.token))
        .expect(200);
      expect(future.body.entries).toEqual([]);
    });

    it('refuses UPDATE, DELETE and TRUNCATE on the audit log, even straight in SQL', async () => {
      const target = await guestAccount(arena);
      await arena
        .http()
        .post('/admin/sanctions')
        .set(bearer(moderator.token))
        .send({ userId: target.userId, kind: 'warn', reason: 'keep this' })
        .expect(201);
      for (const statement of [
        `UPDATE audit_log SET reason = 'rewritten' WHERE target_id = '${target.userId}'`,
        `DELETE FROM audit_log WHERE target_id = '${target.userId}'`,
        `TRUNCATE audit_log`,
      ]) {
        await expect(sql(arena, statement)).rejects.toThrow(/append-only/);
      }
      const rows = await sql<{ reason: string }>(arena, `SELECT reason FROM audit_log WHERE target_id = $1`, [
        target.userId,
      ]);
      expect(rows).toEqual([{ reason: 'keep this' }]);
    });

    it('revoking twice is a conflict, an unknown sanction is 404', async () => {
      const target = await guestAccount(arena);
      const made = await arena
        .http()
        .post('/admin/sanctions')
        .set(bearer(moderator.token))
        .send({ userId: target.userId, kind: 'mute', durationSeconds: 60, reason: 'x' })
        .expect(201);
      await arena
        .http()
        .post(`/admin/sanctions/${made.body.sanction.id}/revoke`)
        .set(bearer(moderator.token))
        .send({ reason: 'oops' })
        .expect(200);
      const twice = await arena
        .http()
        .post(`/admin/sanctions/${made.body.sanction.id}/revoke`)
        .set(bearer(moderator.token))
        .send({ reason: 'oops' })
        .expect(409);
      expect(twice.body.code).toBe('SANCTION_ALREADY_REVOKED');
      const missing = await arena
        .http()
        .post('/admin/sanctions/00000000-0000-4000-8000-000000000000/revoke')
        .set(bearer(moderator.token))
        .send({ reason: 'x' })
        .expect(404);
      expect(missing.body.code).toBe('SANCTION_NOT_FOUND');
    });

    it('lists sanctions by user, kind and whether they are in force', async () => {
      const target = await guestAccount(arena);
      const mute = await arena
        .http()
        .post('/admin/sanctions')
        .set(bearer(moderator.token))
        .send({ userId: target.userId, kind: 'mute', durationSeconds: 60, reason: 'a' })
        .expect(201);
      await arena
        .http()
        .post('/admin/sanctions')
        .set(bearer(moderator.token))
        .send({ userId: target.userId, kind: 'warn', reason: 'b' })
        .expect(201);
      const ban = await arena
        .http()
        .post('/admin/sanctions')
        .set(bearer(moderator.token))
        .send({ userId: target.userId, kind: 'ban', durationSeconds: 60, reason: 'c' })
        .expect(201);
      await arena
        .http()
        .post(`/admin/sanctions/${ban.body.sanction.id}/revoke`)
        .set(bearer(moderator.token))
        .send({ reason: 'undo' })
        .expect(200);
      const all = await arena
        .http()
        .get('/admin/sanctions')
        .query({ userId: target.userId })
        .set(bearer(moderator.token))
        .expect(200);
      expect(all.body.sanctions.map((s: { kind: string }) => s.kind)).toEqual(['ban', 'warn', 'mute']);
      const active = await arena
        .http()
        .get('/admin/sanctions')
        .query({ userId: target.userId, active: 'true' })
        .set(bearer(moderator.token))
        .expect(200);
      expect(active.body.sanctions.map((s: { id: string }) => s.id)).toEqual([mute.body.sanction.id]);
      const warns = await arena
        .http()
        .get('/admin/sanctions')
        .query({ userId: target.userId, kind: 'warn' })
        .set(bearer(moderator.token))
        .expect(200);
      expect(warns.body.sanctions).toHaveLength(1);
    });
  });

  describe('OpenAPI', () => {
    it('documents every /admin route and POST /reports at /docs-json', async () => {
      const docs = await arena.http().get('/docs-json').expect(200);
      const paths = Object.keys(docs.body.paths);
      for (const path of [
        '/reports',
        '/admin/reports',
        '/admin/reports/{reportId}',
        '/admin/reports/{reportId}/resolve',
        '/admin/sanctions',
        '/admin/sanctions/{sanctionId}/revoke',
        '/admin/audit',
        '/admin/policy/check',
        '/admin/rollout',
        '/admin/rollout/candidate',
        '/admin/rollout/percent',
        '/admin/rollout/promote',
        '/admin/rollout/rollback',
        '/admin/rule-sets',
        '/admin/rule-sets/{version}',
      ]) {
        expect(paths).toContain(path);
      }
      expect(docs.body.paths['/admin/reports/{reportId}/resolve'].post.tags).toEqual(['admin']);
      expect(docs.body.components.schemas.ResolveReportDto.properties.action.enum).toEqual([
        'dismiss',
        'warn',
        'mute',
        'ban',
        'kick',
      ]);
    });
  });
});
