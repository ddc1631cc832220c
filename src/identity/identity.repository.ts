import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../database/transaction-host';
import type { Caller, Role } from './caller';
import { Session } from './entities/session.entity';
import { User } from './entities/user.entity';

interface CallerRow {
  session_id: string;
  user_id: string;
  kind: Caller['kind'];
  role: Role;
  display_name: string;
  owner_id: string | null;
  expires_at: Date;
}

/** A session still standing: not revoked, not deleted, its user not disabled. */
export interface StandingSession {
  sessionId: string;
  expiresAt: number;
}

/** The identity module's SQL: users, agents and sessions. */
@Injectable()
export class IdentityRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get users() {
    return this.tx.manager.getRepository(User);
  }

  private get sessions() {
    return this.tx.manager.getRepository(Session);
  }

  createUser(user: Partial<User>): Promise<User> {
    return this.users.save(this.users.create(user));
  }

  findUser(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id } });
  }

  findByUsernameWithPassword(username: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('user.username = :username', { username })
      .getOne();
  }

  findAgentByKeyHash(agentKeyHash: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('user')
      .where('user.agentKeyHash = :agentKeyHash', { agentKeyHash })
      .andWhere("user.kind = 'agent'")
      .getOne();
  }

  listAgents(ownerId: string): Promise<User[]> {
    return this.users.find({ where: { ownerId, kind: 'agent' }, order: { createdAt: 'ASC' } });
  }

  async updateDisplayName(id: string, displayName: string): Promise<User | null> {
    await this.tx.manager.query(
      'UPDATE users SET display_name = $2, version = version + 1, updated_at = now() WHERE id = $1',
      [id, displayName],
    );
    return this.findUser(id);
  }

  async setRole(username: string, role: Role): Promise<User | null> {
    await this.users.update({ username }, { role });
    return this.users.findOne({ where: { username } });
  }

  /** Disables an agent for good: no new sign-in, every session revoked. Returns the revoked session ids. */
  async disableAgent(ownerId: string, agentId: string): Promise<string[] | null> {
    const result = await this.tx.manager.query(
      `UPDATE users SET disabled_at = now(), version = version + 1 WHERE id = $1 AND owner_id = $2 AND kind = 'agent' AND disabled_at IS NULL RETURNING id`,
      [agentId, ownerId],
    );
    if (result[0].length === 0) return null;
    return this.revokeAllSessions(agentId);
  }

  createSession(userId: string, tokenHash: string, expiresAt: Date): Promise<Session> {
    return this.sessions.save(this.sessions.create({ userId, tokenHash, expiresAt }));
  }

  async findCaller(tokenHash: string): Promise<Caller | null> {
    const rows: CallerRow[] = await this.tx.manager.query(
      `SELECT s.id AS session_id, u.id AS user_id, u.kind, u.role, u.display_name, u.owner_id, s.expires_at
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.disabled_at IS NULL`,
      [tokenHash],
    );
    const row = rows[0];
    return row
      ? {
          sessionId: row.session_id,
          sessionExpiresAt: row.expires_at.getTime(),
          userId: row.user_id,
          kind: row.kind,
          role: row.role,
          displayName: row.display_name,
          ownerId: row.owner_id,
        }
      : null;
  }

  /** Of these sessions, the ones still standing, with their expiry (as stored now); one query for all. */
  async standingSessions(sessionIds: string[]): Promise<StandingSession[]> {
    const rows: Array<{ id: string; expires_at: Date }> = await this.tx.manager.query(
      `SELECT s.id, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = ANY($1::uuid[]) AND s.revoked_at IS NULL AND u.disabled_at IS NULL`,
      [sessionIds],
    );
    return rows.map((row) => ({ sessionId: row.id, expiresAt: row.expires_at.getTime() }));
  }

  async revokeSession(sessionId: string): Promise<boolean> {
    const result = await this.tx.manager.query(
      'UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id',
      [sessionId],
    );
    return result[0].length === 1;
  }

  async revokeAllSessions(userId: string): Promise<string[]> {
    const result = await this.tx.manager.query(
      'UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING id',
      [userId],
    );
    return (result[0] as Array<{ id: string }>).map((r) => r.id);
  }
}
