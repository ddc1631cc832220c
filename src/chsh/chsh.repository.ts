import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../database/transaction-host';
import type { AssignmentState, ChshItem, ChshMode } from '../games/domain/chsh/chsh.types';
import type { AnsweredRound, ChshRoundRow, ChshSessionRow, ChshStatus } from './chsh.types';

interface RawSession {
  room_id: string;
  host_user_id: string;
  seed: string;
  mode: ChshMode;
  status: ChshStatus;
}

interface RawRound {
  team_id: string;
  round: number;
  item1: ChshItem;
  item2: ChshItem;
  answer1: boolean | null;
  answer2: boolean | null;
  assignment: AssignmentState;
  opened_at: Date;
  closed_at: Date | null;
}

const ROUND_COLUMNS = 'team_id, round, item1, item2, answer1, answer2, assignment, opened_at, closed_at';

const toRound = (row: RawRound): ChshRoundRow => ({
  teamId: row.team_id,
  round: row.round,
  items: [row.item1, row.item2],
  answers: [row.answer1, row.answer2],
  assignment: row.assignment,
  openedAt: row.opened_at,
  closedAt: row.closed_at,
});

/** The chsh module's SQL: a session's control row and its teams' rounds. */
@Injectable()
export class ChshRepository {
  /** Rooms known to be CHSH sessions with their control row: a room's game never changes, the row stays with it. */
  private readonly known = new Set<string>();

  constructor(private readonly tx: TransactionHost) {}

  private query<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.tx.manager.query(sql, params) as Promise<T[]>;
  }

  /** An UPDATE's returned rows: TypeORM answers an UPDATE with [rows, affected count]. */
  private async update<T>(sql: string, params: unknown[]): Promise<T[]> {
    const [rows] = (await this.tx.manager.query(sql, params)) as [T[], number];
    return rows;
  }

  /**
   * The session of a CHSH room, its control row made on first use. `lock`: `update` for the host's
   * commands, `share` for answers (many at once, none past a pause that committed first).
   */
  async session(roomId: string, lock: 'update' | 'share' | null): Promise<ChshSessionRow | null> {
    if (!this.known.has(roomId)) {
      const [room] = await this.query<{ game_id: string }>(`SELECT game_id FROM rooms WHERE id = $1`, [roomId]);
      if (!room || room.game_id !== 'chsh') return null;
      await this.query(`INSERT INTO chsh_sessions (room_id) VALUES ($1) ON CONFLICT DO NOTHING`, [roomId]);
    }
    const [row] = await this.query<RawSession>(
      `SELECT s.room_id, r.host_user_id, r.seed, s.mode, s.status
       FROM chsh_sessions s JOIN rooms r ON r.id = s.room_id WHERE s.room_id = $1
       ${lock === 'update' ? 'FOR UPDATE OF s' : lock === 'share' ? 'FOR SHARE OF s' : ''}`,
      [roomId],
    );
    if (!row) {
      // Known, but the row was made by a transaction that rolled back: make it again.
      if (!this.known.delete(roomId)) return null;
      return this.session(roomId, lock);
    }
    this.known.add(roomId);
    return {
      sessionId: row.room_id,
      hostUserId: row.host_user_id,
      seed: Number(row.seed),
      mode: row.mode,
      status: row.status,
    };
  }

  async setControl(roomId: string, mode: ChshMode, status: ChshStatus): Promise<void> {
    await this.query(`UPDATE chsh_sessions SET mode = $2, status = $3, updated_at = now() WHERE room_id = $1`, [
      roomId,
      mode,
      status,
    ]);
  }

  async deleteRounds(roomId: string): Promise<void> {
    await this.query(`DELETE FROM chsh_rounds WHERE session_id = $1`, [roomId]);
  }

  /** The team's open round, locked. */
  async lockOpenRound(teamId: string): Promise<ChshRoundRow | null> {
    const [row] = await this.query<RawRound>(
      `SELECT ${ROUND_COLUMNS} FROM chsh_rounds WHERE team_id = $1 AND closed_at IS NULL FOR UPDATE`,
      [teamId],
    );
    return row ? toRound(row) : null;
  }

  async openRound(teamId: string): Promise<ChshRoundRow | null> {
    const [row] = await this.query<RawRound>(
      `SELECT ${ROUND_COLUMNS} FROM chsh_rounds WHERE team_id = $1 AND closed_at IS NULL`,
      [teamId],
    );
    return row ? toRound(row) : null;
  }

  async lastRound(teamId: string): Promise<ChshRoundRow | null> {
    const [row] = await this.query<RawRound>(
      `SELECT ${ROUND_COLUMNS} FROM chsh_rounds WHERE team_id = $1 ORDER BY round DESC LIMIT 1`,
      [teamId],
    );
    return row ? toRound(row) : null;
  }

  /** Opens a round; null when another transaction opened the team's round first. */
  async insertRound(
    sessionId: string,
    teamId: string,
    round: number,
    items: readonly [ChshItem, ChshItem],
    assignment: AssignmentState,
  ): Promise<ChshRoundRow | null> {
    const [row] = await this.query<RawRound>(
      `INSERT INTO chsh_rounds (session_id, team_id, round, item1, item2, assignment)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING ${ROUND_COLUMNS}`,
      [sessionId, teamId, round, items[0], items[1], JSON.stringify(assignment)],
    );
    return row ? toRound(row) : null;
  }

  /** Writes a slot's answer and closes the round once both are in; the round as it is now. */
  async answer(teamId: string, round: number, slot: 1 | 2, answer: boolean): Promise<ChshRoundRow> {
    const column = slot === 1 ? 'answer1' : 'answer2';
    const [row] = await this.update<RawRound>(
      `UPDATE chsh_rounds SET ${column} = $3,
         closed_at = CASE WHEN ${slot === 1 ? 'answer2' : 'answer1'} IS NOT NULL THEN now() END
       WHERE team_id = $1 AND round = $2 AND ${column} IS NULL RETURNING ${ROUND_COLUMNS}`,
      [teamId, round, answer],
    );
    return toRound(row);
  }

  /** Every answered round of the session, oldest first, with its team's name. */
  async answeredRounds(sessionId: string): Promise<(AnsweredRound & { teamId: string })[]> {
    const rows = await this.query<RawRound & { name: string }>(
      `SELECT ${ROUND_COLUMNS.split(', ')
        .map((column) => `c.${column}`)
        .join(', ')}, t.name
       FROM chsh_rounds c JOIN teams t ON t.id = c.team_id
       WHERE c.session_id = $1 AND c.closed_at IS NOT NULL ORDER BY c.closed_at, c.team_id, c.round`,
      [sessionId],
    );
    return rows.map((row) => ({
      teamId: row.team_id,
      team: row.name,
      round: row.round,
      items: [row.item1, row.item2],
      answers: [row.answer1!, row.answer2!],
      at: row.closed_at!.getTime(),
    }));
  }

  /** Each team's open round number in the session. */
  async openRounds(sessionId: string): Promise<Map<string, number>> {
    const rows = await this.query<{ team_id: string; round: number }>(
      `SELECT team_id, round FROM chsh_rounds WHERE session_id = $1 AND closed_at IS NULL`,
      [sessionId],
    );
    return new Map(rows.map((row) => [row.team_id, row.round]));
  }
}
