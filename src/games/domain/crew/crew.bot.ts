import type { BotMemory, GameAction, GameContext } from '../engine';
import type { CrewMeetingRecord, CrewVote, CrewView, CrewYouView } from './crew.types';

/** What a crew bot keeps of a round: the meeting's votes, and the seats found dead (confirmed crew). */
export type CrewBotMemoryEntry = {
  round: number;
  votes: Record<number, CrewVote>;
  killed: number[];
};

type Votes = Record<number, CrewVote>;

/** An impostor kills only while the timer's meeting is further off than this share of the tasks phase. */
const NEAR_MEETING_SHARE = 0.25;

function isCrewView(view: Record<string, unknown>): view is CrewView {
  return view.game === 'crew' && typeof view.phase === 'string' && Array.isArray(view.seats);
}

/**
 * Crew do their tasks, call their emergency meeting when a kill went unpunished and they have a suspect,
 * and vote against the seats that voted against confirmed crew (themselves and the dead), skipping without
 * a suspect. Impostors kill when no meeting is near, aiming at the crew who suspect them, and vote with the
 * crowd: for the seat the crew accused most, or skip.
 */
export function crewBotAction(
  view: Record<string, unknown>,
  seat: number,
  memory: BotMemory,
  ctx: GameContext,
): GameAction | null {
  if (!isCrewView(view) || view.you === null || view.you.seat !== seat || !view.you.mustAct) return null;
  const you = view.you;
  const days = recentVotes(view, memory);
  if (view.phase === 'tasks') {
    if (you.role === 'impostor') {
      const nearMeeting = view.deadline !== null && view.deadline.at - ctx.now < NEAR_MEETING_SHARE * view.tasksMs;
      const targets = livingOthers(view, you).filter((other) => !you.impostors.includes(other));
      if (nearMeeting || targets.length === 0) return { type: 'task' };
      return { type: 'kill', seat: mostAccused(targets, votesAgainst(days, you.impostors), ctx) };
    }
    const suspect = crewSuspect(view, you, days, memory, ctx);
    const unpunishedKill = view.lastMeeting?.reason === 'body' && view.lastMeeting.ejected === null;
    if (suspect !== null && unpunishedKill && !you.emergencyUsed) return { type: 'meeting' };
    return { type: 'task' };
  }
  if (view.phase === 'meeting') {
    const vote =
      you.role === 'impostor' ? crowdChoice(view, you, days, ctx) : crewSuspect(view, you, days, memory, ctx);
    return vote === null ? { type: 'skip' } : { type: 'vote', seat: vote };
  }
  return null;
}

export function crewBotMemoryEntry(view: Record<string, unknown>): CrewBotMemoryEntry | null {
  if (!isCrewView(view)) return null;
  const killed = view.deaths.filter((death) => death.cause === 'killed').map((death) => death.seat);
  if (view.lastMeeting === null) return killed.length > 0 ? { round: 0, votes: {}, killed } : null;
  return { round: view.lastMeeting.round, votes: view.lastMeeting.votes, killed };
}

/** The living seat that voted most against confirmed crew (this bot and the dead), or null without any. */
function crewSuspect(
  view: CrewView,
  you: CrewYouView,
  days: Votes[],
  memory: BotMemory,
  ctx: GameContext,
): number | null {
  const remembered = memory.flatMap((entry) => (Array.isArray(entry.killed) ? (entry.killed as number[]) : []));
  const killed = view.deaths.filter((death) => death.cause === 'killed').map((death) => death.seat);
  const confirmed = [you.seat, ...new Set([...remembered, ...killed])];
  const accusations = votesAgainst(days, confirmed);
  const candidates = livingOthers(view, you).filter((other) => (accusations.get(other) ?? 0) > 0);
  return candidates.length === 0 ? null : mostAccused(candidates, accusations, ctx);
}

/** The crew seat most voted against in the meetings the bot recalls: the crowd's suspect, or null. */
function crowdChoice(view: CrewView, you: CrewYouView, days: Votes[], ctx: GameContext): number | null {
  const received = new Map<number, number>();
  for (const votes of days)
    for (const vote of Object.values(votes)) if (vote !== 'skip') received.set(vote, (received.get(vote) ?? 0) + 1);
  const candidates = livingOthers(view, you).filter(
    (other) => !you.impostors.includes(other) && (received.get(other) ?? 0) > 0,
  );
  return candidates.length === 0 ? null : mostAccused(candidates, received, ctx);
}

function livingOthers(view: CrewView, you: CrewYouView): number[] {
  return view.seats.filter((seat) => seat.alive && seat.seat !== you.seat).map((seat) => seat.seat);
}

/** Recent meetings' votes, one record per round, from memory and the latest resolved meeting. */
function recentVotes(view: CrewView, memory: BotMemory): Votes[] {
  const byRound = new Map<number, Votes>();
  for (const entry of memory) {
    const votes = readVotes(entry.votes);
    if (typeof entry.round === 'number' && votes) byRound.set(entry.round, votes);
  }
  const last: CrewMeetingRecord | null = view.lastMeeting;
  if (last) byRound.set(last.round, last.votes);
  return [...byRound.values()];
}

function readVotes(value: unknown): Votes | null {
  if (typeof value !== 'object' || value === null) return null;
  const votes: Votes = {};
  for (const [voter, vote] of Object.entries(value))
    if (typeof vote === 'number' || vote === 'skip') votes[Number(voter)] = vote;
  return votes;
}

/** For each voter, how many of its recent votes went against one of `side`. */
function votesAgainst(days: Votes[], side: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const votes of days) {
    for (const [voter, vote] of Object.entries(votes)) {
      if (vote !== 'skip' && side.includes(vote)) counts.set(Number(voter), (counts.get(Number(voter)) ?? 0) + 1);
    }
  }
  return counts;
}

/** The candidate with the most accusations; equals are drawn at random so bots do not all pile on the lowest seat. */
function mostAccused(candidates: number[], accusations: Map<number, number>, ctx: GameContext): number {
  const best = Math.max(...candidates.map((seat) => accusations.get(seat) ?? 0));
  const top = candidates.filter((seat) => (accusations.get(seat) ?? 0) === best);
  return top[ctx.random.int(top.length)];
}
