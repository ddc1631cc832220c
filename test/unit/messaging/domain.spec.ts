import fc from 'fast-check';
import { checkBody } from '../../../src/messaging/domain/body';
import { directKey, membershipIsManaged } from '../../../src/messaging/domain/conversation';
import { isEmptyRange, planHistory, toHistoryPage } from '../../../src/messaging/domain/history';
import { decideConfirm, decideFetch } from '../../../src/messaging/domain/welcome';

describe('message bodies', () => {
  it.each([
    ['', 'BODY_EMPTY'],
    ['   \n\t', 'BODY_EMPTY'],
    ['x'.repeat(11), 'BODY_TOO_LONG'],
    ['bell\u0007', 'BODY_INVALID'],
    ['nul\u0000', 'BODY_INVALID'],
  ])('refuses %j with %s', (body, code) => {
    expect(checkBody(body, 10)).toMatchObject({ ok: false, code });
  });

  it('counts characters, not UTF-16 units, and allows tabs and newlines', () => {
    expect(checkBody('😀'.repeat(10), 10)).toEqual({ ok: true });
    expect(checkBody('😀'.repeat(11), 10)).toMatchObject({ ok: false, code: 'BODY_TOO_LONG' });
    expect(checkBody('line\n\tindented\r\n', 20)).toEqual({ ok: true });
  });
});

describe('history pages', () => {
  const messages = (seqs: number[]) => seqs.map((seq) => ({ seq }));

  it('reads forward from `after`, backward from `before` or the end', () => {
    expect(planHistory({ after: 5, limit: 10 })).toEqual({
      after: 5,
      before: null,
      order: 'asc',
      fetch: 11,
      limit: 10,
    });
    expect(planHistory({ before: 9 })).toEqual({ after: 0, before: 9, order: 'desc', fetch: 51, limit: 50 });
    expect(planHistory({})).toMatchObject({ order: 'desc', before: null });
    expect(planHistory({ limit: 1000 }).limit).toBe(200);
  });

  it('returns ascending pages and knows whether there is more', () => {
    expect(toHistoryPage(messages([6, 7, 8]), planHistory({ after: 5, limit: 2 }))).toEqual({
      messages: messages([6, 7]),
      hasMore: true,
    });
    expect(toHistoryPage(messages([9, 8]), planHistory({ before: 10, limit: 2 }))).toEqual({
      messages: messages([8, 9]),
      hasMore: false,
    });
  });

  it('sees an empty range between adjacent bounds', () => {
    expect(isEmptyRange(planHistory({ after: 3, before: 4 }))).toBe(true);
    expect(isEmptyRange(planHistory({ after: 3, before: 5 }))).toBe(false);
    expect(isEmptyRange(planHistory({ after: 3 }))).toBe(false);
  });

  it('pages forward through any conversation without a gap or a repeat', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 200 }), (total, limit) => {
        const all = Array.from({ length: total }, (_, i) => ({ seq: i + 1 }));
        const seen: number[] = [];
        let after = 0;
        for (;;) {
          const plan = planHistory({ after, limit });
          const rows = all.filter((m) => m.seq > plan.after).slice(0, plan.fetch);
          const page = toHistoryPage(rows, plan);
          seen.push(...page.messages.map((m) => m.seq));
          if (!page.hasMore) break;
          after = page.messages.at(-1)!.seq;
        }
        expect(seen).toEqual(all.map((m) => m.seq));
      }),
    );
  });
});

describe('welcome states', () => {
  const grace = 300_000;

  it('builds at the first fetch and replays until the grace period ends', () => {
    expect(decideFetch({ state: 'pending', fetchedAt: null }, 0, grace)).toEqual({ action: 'build' });
    expect(decideFetch({ state: 'fetched', fetchedAt: 1000 }, 1000 + grace - 1, grace)).toEqual({ action: 'replay' });
    expect(decideFetch({ state: 'fetched', fetchedAt: 1000 }, 1000 + grace, grace)).toEqual({
      action: 'refuse',
      refusal: { code: 'WELCOME_EXPIRED', reason: 'grace_elapsed' },
    });
    expect(decideFetch({ state: 'confirmed', fetchedAt: 1000 }, 1001, grace)).toEqual({
      action: 'refuse',
      refusal: { code: 'WELCOME_EXPIRED', reason: 'confirmed' },
    });
  });

  it('confirms only a fetched package inside its grace period, and a second confirm is a no-op', () => {
    expect(decideConfirm({ state: 'pending', fetchedAt: null }, 0, grace)).toMatchObject({
      action: 'refuse',
      refusal: { code: 'WELCOME_NOT_FETCHED' },
    });
    expect(decideConfirm({ state: 'fetched', fetchedAt: 0 }, grace - 1, grace)).toEqual({ action: 'confirm' });
    expect(decideConfirm({ state: 'fetched', fetchedAt: 0 }, grace, grace)).toMatchObject({
      action: 'refuse',
      refusal: { code: 'WELCOME_EXPIRED' },
    });
    expect(decideConfirm({ state: 'confirmed', fetchedAt: 0 }, 10 * grace, grace)).toEqual({
      action: 'already_confirmed',
    });
  });
});

describe('conversations', () => {
  it('keys a direct conversation by the unordered pair', () => {
    const a = 'B1E3C2D4-0000-4000-8000-000000000001';
    const b = '01e3c2d4-0000-4000-8000-000000000002';
    expect(directKey(a, b)).toBe(directKey(b, a));
    expect(directKey(a, b)).toBe(`${b}:${a.toLowerCase()}`);
  });

  it('lets the API manage only group members', () => {
    expect(['room', 'team', 'direct', 'group'].filter((k) => !membershipIsManaged(k as never))).toEqual(['group']);
  });
});
