import { hash, verify } from '@node-rs/argon2';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TransactionHost } from '../database/transaction-host';
import { AppError } from '../common/errors/app-error';
import { ContentPolicyPort } from '../common/ports/content-policy.port';
import { SanctionsPort } from '../common/ports/sanctions.port';
import type { Caller, Role } from './caller';
import { hashCredential, looksLikeCredential, newCredential } from './domain/credentials';
import { isValidDisplayName, normalizeDisplayName, normalizeUsername } from './domain/names';
import type { User } from './entities/user.entity';
import { IdentityRepository, type StandingSession } from './identity.repository';
import { SESSIONS_REVOKED, type SessionsRevokedEvent } from './identity.events';

export interface PublicUser {
  id: string;
  kind: User['kind'];
  username: string | null;
  displayName: string;
  role: Role;
  ownerId: string | null;
  createdAt: string;
}

export interface SessionGrant {
  token: string;
  expiresAt: string;
  user: PublicUser;
}

export interface AgentGrant {
  agent: PublicUser;
  /** Shown once: only its keyed hash is stored. */
  agentKey: string;
}

// Verifying against a fixed hash for unknown usernames keeps login timing from revealing which exist.
const DUMMY_PASSWORD_HASH = hash('arena-dummy-password-for-timing');

export function toPublicUser(user: User): PublicUser {
  return {
    id: user.id,
    kind: user.kind,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    ownerId: user.ownerId,
    createdAt: user.createdAt.toISOString(),
  };
}

@Injectable()
export class IdentityService {
  private readonly logger = new Logger(IdentityService.name);

  constructor(
    private readonly users: IdentityRepository,
    private readonly tx: TransactionHost,
    private readonly events: EventEmitter2,
    private readonly contentPolicy: ContentPolicyPort,
    private readonly sanctions: SanctionsPort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async signInGuest(rawDisplayName: string): Promise<SessionGrant> {
    const displayName = this.checkDisplayName(rawDisplayName);
    return this.tx.transaction(async () => {
      const user = await this.users.createUser({ kind: 'guest', displayName, role: 'player' });
      return this.openSession(user);
    });
  }

  async register(rawUsername: string, password: string, rawDisplayName: string): Promise<SessionGrant> {
    const username = normalizeUsername(rawUsername);
    const displayName = this.checkDisplayName(rawDisplayName);
    const passwordHash = await hash(password);
    return this.tx.transaction(async () => {
      try {
        const user = await this.users.createUser({
          kind: 'registered',
          username,
          passwordHash,
          displayName,
          role: 'player',
        });
        return await this.openSession(user);
      } catch (error) {
        if (isUniqueViolation(error)) throw new AppError('USERNAME_TAKEN', 'That username is taken');
        throw error;
      }
    });
  }

  async login(rawUsername: string, password: string): Promise<SessionGrant> {
    const user = await this.users.findByUsernameWithPassword(normalizeUsername(rawUsername));
    const valid = await verify(user?.passwordHash ?? (await DUMMY_PASSWORD_HASH), password);
    if (!user || !valid || user.disabledAt) throw new AppError('INVALID_CREDENTIALS', 'Wrong username or password');
    await this.sanctions.assertNotBanned(user.id);
    return this.openSession(user);
  }

  async signInAgent(agentKey: string): Promise<SessionGrant> {
    const agent = looksLikeCredential('agent', agentKey)
      ? await this.users.findAgentByKeyHash(hashCredential(this.config.sessionSecret, agentKey))
      : null;
    if (!agent || agent.disabledAt) throw new AppError('INVALID_CREDENTIALS', 'Unknown or disabled agent key');
    await this.sanctions.assertNotBanned(agent.id);
    return this.openSession(agent);
  }

  async logout(caller: Caller): Promise<void> {
    if (await this.users.revokeSession(caller.sessionId)) {
      this.publishRevoked({ sessionIds: [caller.sessionId], reason: 'logout' });
    }
  }

  /**
   * Resolves a bearer token to its caller, or null when it is unknown, revoked or expired; a banned
   * caller is refused with BANNED and the ban's expiry.
   */
  async authenticate(token: unknown): Promise<Caller | null> {
    if (!looksLikeCredential('session', token)) return null;
    const caller = await this.users.findCaller(hashCredential(this.config.sessionSecret, token));
    if (caller) await this.sanctions.assertNotBanned(caller.userId);
    return caller;
  }

  /** Which of these sessions still stand (neither revoked, deleted nor of a disabled user), with their expiry. */
  standingSessions(sessionIds: string[]): Promise<StandingSession[]> {
    return sessionIds.length === 0 ? Promise.resolve([]) : this.users.standingSessions(sessionIds);
  }

  async me(caller: Caller): Promise<PublicUser> {
    const user = await this.users.findUser(caller.userId);
    if (!user) throw new AppError('NOT_FOUND', 'User not found');
    return toPublicUser(user);
  }

  async renameSelf(caller: Caller, rawDisplayName: string): Promise<PublicUser> {
    const displayName = this.checkDisplayName(rawDisplayName);
    const user = await this.users.updateDisplayName(caller.userId, displayName);
    if (!user) throw new AppError('NOT_FOUND', 'User not found');
    return toPublicUser(user);
  }

  async createAgent(caller: Caller, rawDisplayName: string): Promise<AgentGrant> {
    if (caller.kind !== 'registered') throw new AppError('FORBIDDEN', 'Only registered users may own agents');
    const displayName = this.checkDisplayName(rawDisplayName);
    const agentKey = newCredential('agent');
    const agent = await this.users.createUser({
      kind: 'agent',
      displayName,
      role: 'player',
      ownerId: caller.userId,
      agentKeyHash: hashCredential(this.config.sessionSecret, agentKey),
    });
    return { agent: toPublicUser(agent), agentKey };
  }

  async listAgents(caller: Caller): Promise<PublicUser[]> {
    return (await this.users.listAgents(caller.userId)).filter((a) => !a.disabledAt).map(toPublicUser);
  }

  async disableAgent(caller: Caller, agentId: string): Promise<void> {
    const revoked = await this.tx.transaction(() => this.users.disableAgent(caller.userId, agentId));
    if (revoked === null) throw new AppError('NOT_FOUND', 'No such agent of yours');
    if (revoked.length > 0) this.publishRevoked({ sessionIds: revoked, reason: 'agent-disabled' });
  }

  /** Creates or promotes the configured first admin (ADMIN_USERNAME / ADMIN_PASSWORD); idempotent. */
  async ensureAdmin(rawUsername: string, password: string): Promise<PublicUser> {
    const username = normalizeUsername(rawUsername);
    const existing = await this.users.findByUsernameWithPassword(username);
    if (existing) {
      const promoted = existing.role === 'admin' ? existing : await this.users.setRole(username, 'admin');
      return toPublicUser(promoted ?? existing);
    }
    try {
      const user = await this.users.createUser({
        kind: 'registered',
        username,
        passwordHash: await hash(password),
        displayName: rawUsername,
        role: 'admin',
      });
      this.logger.log({ username }, 'first admin created');
      return toPublicUser(user);
    } catch (error) {
      if (isUniqueViolation(error)) return this.ensureAdmin(rawUsername, password); // another process won the race
      throw error;
    }
  }

  async grantRole(rawUsername: string, role: Role): Promise<PublicUser> {
    const user = await this.users.setRole(normalizeUsername(rawUsername), role);
    if (!user) throw new AppError('NOT_FOUND', `No registered user named ${rawUsername}`);
    return toPublicUser(user);
  }

  private async openSession(user: User): Promise<SessionGrant> {
    const token = newCredential('session');
    const expiresAt = new Date(Date.now() + this.config.sessionTtlMs);
    await this.users.createSession(user.id, hashCredential(this.config.sessionSecret, token), expiresAt);
    return { token, expiresAt: expiresAt.toISOString(), user: toPublicUser(user) };
  }

  private checkDisplayName(raw: string): string {
    const name = normalizeDisplayName(raw);
    if (!isValidDisplayName(name)) {
      throw new AppError('VALIDATION_FAILED', 'A display name is 2 to 32 letters, digits, spaces, _ . or -', [
        { field: 'displayName', errors: ['displayName must be 2 to 32 letters, digits, spaces, _ . or -'] },
      ]);
    }
    this.contentPolicy.assertAllowed(name, { surface: 'display_name' }, 'displayName');
    return name;
  }

  private publishRevoked(event: SessionsRevokedEvent): void {
    this.tx.afterCommit(() => this.events.emit(SESSIONS_REVOKED, event));
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}
