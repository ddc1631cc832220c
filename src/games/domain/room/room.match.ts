import type { GameEngine, SeatKind } from '../engine';
import type { RoomState } from './room.types';

/** One seat of a finished game, as telemetry keeps it. Bots have no user. */
export interface MatchParticipant {
  seat: number;
  userId: string | null;
  kind: SeatKind;
  name: string;
  role: string | null;
  team: string | null;
  score: number;
  win: boolean;
  figures: Record<string, number>;
}

/** A finished game: written with the room event that finished it, once per (room, game number). */
export interface MatchRecord {
  id: string;
  roomId: string;
  gameNo: number;
  gameId: string;
  rulesVersion: number;
  /** The sequence number of the event that finished the game. */
  endSeq: number;
  startedAt: number;
  finishedAt: number;
  durationMs: number;
  winners: number[];
  summary: string;
  participants: MatchParticipant[];
}

/**
 * The match an accepted command finished, or null: only a command that takes the room from playing to
 * finished ends a game (a reset abandons it, and an abandoned game is no match). What the row says comes
 * from the engine contract alone (`result`, and `matchReport` where the game has it), so any game gets one.
 */
export function finishedMatch(
  before: RoomState,
  after: RoomState,
  engine: GameEngine<unknown, object>,
  id: string,
): MatchRecord | null {
  if (before.phase !== 'playing' || after.phase !== 'finished' || after.game === null) return null;
  const result = engine.result(after.game);
  if (!result) return null;
  const report = engine.matchReport?.(after.game) ?? {};
  const startedAt = after.gameStartedAt ?? after.updatedAt;
  const winners = [...result.winners].sort((a, b) => a - b);
  return {
    id,
    roomId: after.roomId,
    gameNo: after.gameNo,
    gameId: after.gameId,
    rulesVersion: after.rulesVersion,
    endSeq: after.seq,
    startedAt,
    finishedAt: after.updatedAt,
    durationMs: Math.max(0, after.updatedAt - startedAt),
    winners,
    summary: result.summary,
    // The seats as the game started: a player who left during the game still played it (and lost or won).
    participants: engine.seats(after.game).map((info) => {
      const seatReport = report[info.seat] ?? {};
      return {
        seat: info.seat,
        userId: info.kind === 'bot' ? null : info.userId,
        kind: info.kind,
        name: info.name,
        role: seatReport.role ?? null,
        team: seatReport.team ?? null,
        score: result.scores[info.seat] ?? 0,
        win: winners.includes(info.seat),
        figures: seatReport.figures ?? {},
      };
    }),
  };
}
