import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../database/transaction-host';
import type { MemberRow, TeamRow } from './teams.types';

/** The session a team belongs to: a room run by a host (CHSH's teacher), as the teams module needs it. */
export interface SessionRow {
  sessionId: string;
  hostUserId: string;
  closed: boolean;
}

interface RawTeam {
  id: string;
  session_id: string;
  name: string;
  active: boolean;
  created_at: Date;
}

interface RawMember {
  team_id: string;
  user_id: string;
  name: string;
  slot: number;
  away_until: Date | null;
}

const TEAM_COLUMNS = 'id, session_id, name, active, created_at';

const toTeam = (row: RawTeam): TeamRow => ({
  id: row.id,
  sessionId: row.session_id,
  name: row.name,
  active: row.active,
  createdAt: row.created_at,
});

const toMember = (row: RawMember): MemberRow => ({
  teamId: row.team_id,
  userId: row.user_id,
  name: row.name,
  slot: row.slot as 1 | 2,
  awayUntil: row.away_until,
});

/**
 * The teams module's SQL. A team's row is locked before its members change, so changes to one team run one
 * at a time; the unique indexes (one live member per slot, one live team per player and session, one team
 * per name and session) decide the races the locks do not see, and their conflicts come back as "nothing
 * changed" (ON CONFLICT DO NOTHING), never as an aborted transaction.
 */
@Injectable()
export class TeamsRepository {
  constructor(private readonly tx: TransactionHost) {}

  private query<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.tx.manager.query(sql, params) as Promise<T[]>;
  }

  /** An UPDATE's returned rows: TypeORM answers an UPDATE with [rows, affected count]. */
  private async update<T>(sql: string, params: unknown[]): Promise<T[]> {
    const [rows] = (await this.tx.manager.query(sql, params)) as [T[], number];
    return rows;
  }

  async session(sessionId: string): Promise<SessionRow | null> {
    const [row] = await this.query<{ id: string; host_user_id: string; phase: string }>(
      `SELECT id, host_user_id, phase FROM rooms WHERE id = $1`,
      [sessionId],
    );
    return row ? { sessionId: row.id, hostUserId: row.host_user_id, closed: row.phase === 'closed' } : null;
  }

  /** A new team, or null when the session has a team of that name (any case) already. */
  async insertTeam(sessionId: string, name: string): Promise<TeamRow | null> {
    const [row] = await this.query<RawTeam>(
      `INSERT INTO teams (session_id, name) VALUES ($1, $2)
       ON CONFLICT (session_id, lower(name)) DO NOTHING RETURNING ${TEAM_COLUMNS}`,
      [sessionId, name],
    );
    return row ? toTeam(row) : null;
  }

  async lockTeamByName(sessionId: string, name: string): Promise<TeamRow | null> {
    const [row] = await this.query<RawTeam>(
      `SELECT ${TEAM_COLUMNS} FROM teams WHERE session_id = $1 AND lower(name) = lower($2) FOR UPDATE`,
      [sessionId, name],
    );
    return row ? toTeam(row) : null;
  }

  async lockTeam(teamId: string): Promise<TeamRow | null> {
    const [row] = await this.query<RawTeam>(`SELECT ${TEAM_COLUMNS} FROM teams WHERE id = $1 FOR UPDATE`, [teamId]);
    return row ? toTeam(row) : null;
  }

  async team(teamId: string): Promise<TeamRow | null> {
    const [row] = await this.query<RawTeam>(`SELECT ${TEAM_COLUMNS} FROM teams WHERE id = $1`, [teamId]);
    return row ? toTeam(row) : null;
  }

  async sessionTeams(sessionId: string): Promise<TeamRow[]> {
    const rows = await this.query<RawTeam>(
      `SELECT ${TEAM_COLUMNS} FROM teams WHERE session_id = $1 ORDER BY created_at, id`,
      [sessionId],
    );
    return rows.map(toTeam);
  }

  /** Brings an inactive team back; false when it was active already. */
  async reactivate(teamId: string): Promise<boolean> {
    const rows = await this.update<{ id: string }>(
      `UPDATE teams SET active = true, updated_at = now() WHERE id = $1 AND NOT active RETURNING id`,
      [teamId],
    );
    return rows.length === 1;
  }

  /** Marks a team with no live member inactive; false when someone is still in it. */
  async deactivateIfEmpty(teamId: string): Promise<boolean> {
    const rows = await this.update<{ id: string }>(
      `UPDATE teams t SET active = false, updated_at = now()
       WHERE t.id = $1 AND t.active
         AND NOT EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.left_at IS NULL)
       RETURNING t.id`,
      [teamId],
    );
    return rows.length === 1;
  }

  /** Adds a live member in this slot; false when the slot is held or the player is in a team of the session. */
  async addMember(team: TeamRow, userId: string, slot: 1 | 2): Promise<boolean> {
    const rows = await this.query<{ id: string }>(
      `INSERT INTO team_members (team_id, session_id, user_id, slot) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING id`,
      [team.id, team.sessionId, userId, slot],
    );
    return rows.length === 1;
  }

  /** The player's live team in this session, if any. */
  async teamOf(sessionId: string, userId: string): Promise<string | null> {
    const [row] = await this.query<{ team_id: string }>(
      `SELECT team_id FROM team_members WHERE session_id = $1 AND user_id = $2 AND left_at IS NULL`,
      [sessionId, userId],
    );
    return row?.team_id ?? null;
  }

  async members(teamIds: readonly string[]): Promise<MemberRow[]> {
    if (teamIds.length === 0) return [];
    const rows = await this.query<RawMember>(
      `SELECT m.team_id, m.user_id, u.display_name AS name, m.slot, m.away_until
       FROM team_members m JOIN users u ON u.id = m.user_id
       WHERE m.team_id = ANY($1::uuid[]) AND m.left_at IS NULL ORDER BY m.team_id, m.slot`,
      [teamIds],
    );
    return rows.map(toMember);
  }

  /** Ends a live membership; false when the player was not in the team. */
  async leave(teamId: string, userId: string): Promise<boolean> {
    const rows = await this.update<{ id: string }>(
      `UPDATE team_members SET left_at = now(), away_until = NULL
       WHERE team_id = $1 AND user_id = $2 AND left_at IS NULL RETURNING id`,
      [teamId, userId],
    );
    return rows.length === 1;
  }

  /**
   * The player's last socket closed: each live membership is held for its session's reconnect window.
   * Returns the teams that changed.
   */
  async markAway(userId: string, defaultWindowMs: number): Promise<string[]> {
    const rows = await this.update<{ team_id: string }>(
      `UPDATE team_members m
       SET away_until = now() + coalesce((r.state -> 'settings' ->> 'reconnectWindowMs')::integer, $2) * interval '1 millisecond'
       FROM rooms r
       WHERE m.user_id = $1 AND m.left_at IS NULL AND m.away_until IS NULL AND r.id = m.session_id
       RETURNING m.team_id`,
      [userId, defaultWindowMs],
    );
    return rows.map((row) => row.team_id);
  }

  /** The player is back within the window: the same slots again. Returns the teams that changed. */
  async markReturned(userId: string): Promise<string[]> {
    const rows = await this.update<{ team_id: string }>(
      `UPDATE team_members SET away_until = NULL
       WHERE user_id = $1 AND left_at IS NULL AND away_until IS NOT NULL AND away_until > now()
       RETURNING team_id`,
      [userId],
    );
    return rows.map((row) => row.team_id);
  }

  /** Members whose window ran out leave (as of the end of their window); another process skips rows taken here. */
  async expireAway(limit: number): Promise<{ teamId: string; userId: string }[]> {
    const rows = await this.update<{ team_id: string; user_id: string }>(
      `UPDATE team_members SET left_at = away_until, away_until = NULL
       WHERE id IN (
         SELECT id FROM team_members WHERE away_until <= now() AND left_at IS NULL
         ORDER BY away_until LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING team_id, user_id`,
      [limit],
    );
    return rows.map((row) => ({ teamId: row.team_id, userId: row.user_id }));
  }
}
