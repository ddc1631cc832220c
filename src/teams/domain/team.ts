import type { MemberRow, TeamRow, TeamView } from '../teams.types';

/** The slot a joining player takes: the lowest free one, or null when both are held (away members keep theirs). */
export function slotToTake(members: readonly Pick<MemberRow, 'slot'>[]): 1 | 2 | null {
  const held = new Set(members.map((member) => member.slot));
  if (!held.has(1)) return 1;
  if (!held.has(2)) return 2;
  return null;
}

/** A team as its viewers see it: full only when both slots are held by members who are not away. */
export function teamView(team: TeamRow, members: readonly MemberRow[]): TeamView {
  const shown = members.map((member) => ({
    slot: member.slot,
    userId: member.userId,
    name: member.name,
    away: member.awayUntil !== null,
    awayUntil: member.awayUntil?.toISOString() ?? null,
  }));
  return {
    teamId: team.id,
    sessionId: team.sessionId,
    name: team.name,
    active: team.active,
    full: shown.length === 2 && shown.every((member) => !member.away),
    members: shown,
    createdAt: team.createdAt.toISOString(),
  };
}
