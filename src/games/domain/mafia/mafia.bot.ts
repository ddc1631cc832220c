import type { BotMemory, GameAction, GameContext } from '../engine';
import type { MafiaView, MafiaYouView } from './mafia.types';

/** What a mafia bot keeps of a day: who voted for whom. */
export type MafiaBotMemoryEntry = {
  round: number;
  votes: Record<number, number>;
};

type Votes = Record<number, number>;

function isMafiaView(view: Record<string, unknown>): view is MafiaView {
  return view.game === 'mafia' && typeof view.phase === 'string' && Array.isArray(view.seats);
}

/**
 * Town votes for whoever voted against a confirmed town seat (itself, or a night victim); mafia kill and
 * vote against the seats that voted against mafia, and follow a fellow's night choice so they agree.
 */
export function mafiaBotAction(
  view: Record<string, unknown>,
  seat: number,
  memory: BotMemory,
  ctx: GameContext,
): GameAction | null {
  if (!isMafiaView(view) || view.you === null || view.you.seat !== seat || !view.you.mustAct) return null;
  const you = view.you;
  switch (view.phase) {
    case 'night':
      return { type: 'kill', seat: chooseVictim(view, you, memory, ctx) };
    case 'discussion':
      return { type: 'ready' };
    case 'voting':
      return {
        type: 'vote',
        seat: you.role === 'mafia' ? chooseMafiaVote(view, you, memory, ctx) : chooseTownVote(view, you, memory, ctx),
      };
    default:
      return null;
  }
}

export function mafiaBotMemoryEntry(view: Record<string, unknown>): MafiaBotMemoryEntry | null {
  if (!isMafiaView(view) || view.lastVoting === null) return null;
  return { round: view.lastVoting.day, votes: view.lastVoting.votes };
}

function chooseVictim(view: MafiaView, you: MafiaYouView, memory: BotMemory, ctx: GameContext): number {
  const targets = livingOthers(view, you).filter((seat) => !you.mafia.includes(seat));
  const fellowChoice = Object.values(view.mafiaChoices ?? {}).find((target) => targets.includes(target));
  if (fellowChoice !== undefined) return fellowChoice;
  return mostAccused(targets, votesAgainst(recentVotes(view, memory), you.mafia), ctx);
}

function chooseMafiaVote(view: MafiaView, you: MafiaYouView, memory: BotMemory, ctx: GameContext): number {
  const targets = livingOthers(view, you).filter((seat) => !you.mafia.includes(seat));
  return mostAccused(targets, votesAgainst(recentVotes(view, memory), you.mafia), ctx);
}

function chooseTownVote(view: MafiaView, you: MafiaYouView, memory: BotMemory, ctx: GameContext): number {
  // The mafia only kills town, so every night victim is confirmed town.
  const confirmedTown = [
    you.seat,
    ...view.deaths.filter((death) => death.cause === 'killed').map((death) => death.seat),
  ];
  return mostAccused(livingOthers(view, you), votesAgainst(recentVotes(view, memory), confirmedTown), ctx);
}

function livingOthers(view: MafiaView, you: MafiaYouView): number[] {
  return view.seats.filter((seat) => seat.alive && seat.seat !== you.seat).map((seat) => seat.seat);
}

/** Recent days' votes, one record per day, from memory and the latest public voting. */
function recentVotes(view: MafiaView, memory: BotMemory): Votes[] {
  const byDay = new Map<number, Votes>();
  for (const entry of memory) {
    const votes = readVotes(entry.votes);
    if (typeof entry.round === 'number' && votes) byDay.set(entry.round, votes);
  }
  if (view.lastVoting) byDay.set(view.lastVoting.day, view.lastVoting.votes);
  return [...byDay.values()];
}

function readVotes(value: unknown): Votes | null {
  if (typeof value !== 'object' || value === null) return null;
  const votes: Votes = {};
  for (const [voter, target] of Object.entries(value)) if (typeof target === 'number') votes[Number(voter)] = target;
  return votes;
}

/** For each voter, how many of its recent votes went against one of `side`. */
function votesAgainst(days: Votes[], side: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const votes of days) {
    for (const [voter, target] of Object.entries(votes)) {
      if (side.includes(target)) counts.set(Number(voter), (counts.get(Number(voter)) ?? 0) + 1);
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
