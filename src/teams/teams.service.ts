import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { LifecycleService } from '../common/lifecycle/lifecycle.service';
import { ArenaEvents, type TeamCreated as TeamCreatedEvent } from '../common/events/arena-events';
import { ContentPolicyPort } from '../common/ports/content-policy.port';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TransactionHost } from '../database/transaction-host';
import { hostChannel } from '../games/room-publisher.service';
import type { Caller } from '../identity/caller';
import { SocketEmitter, userRoom } from '../realtime/socket-emitter.service';
import { slotToTake, teamView } from './domain/team';
import { teamError } from './teams.errors';
import { TeamsRepository, type SessionRow } from './teams.repository';
import type { TeamChange, TeamCreated, TeamJoined, TeamLeft, TeamList, TeamRow, TeamView } from './teams.types';

const MAX_TEAM_NAME = 40;

/**
 * Team lifecycle inside one session (a room run by a seatless host, CHSH's teacher): create, join, leave,
 * reactivate by name, and the hold on a dropped player's slot for the session's reconnect window. Every
 * change commits before its `team:update` goes to the team's members and the session's host, and before
 * chat hears of it (the team's conversation follows its members).
 */
@Injectable()
export class TeamsService {
  private readonly logger = new Logger('Teams');
  /** Presence changes of one user run in order, so a quick drop-and-return cannot be reordered. */
  private readonly presence = new Map<string, Promise<void>>();

  constructor(
    private readonly repository: TeamsRepository,
    private readonly tx: TransactionHost,
    private readonly emitter: SocketEmitter,
    private readonly bus: EventEmitter2,
    private readonly contentPolicy: ContentPolicyPort,
    private readonly lifecycle: LifecycleService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Makes a team of this name, with the caller in slot 1. A name an inactive team of the session had
   * (in any case) brings that team back, with its id and history; an active one is TEAM_NAME_TAKEN.
   */
  async create(caller: Caller, sessionId: string, rawName: string): Promise<TeamCreated> {
    const name = rawName.trim();
    if (name === '') throw teamError('NAME_REQUIRED', 'A team needs a name');
    if (name.length > MAX_TEAM_NAME)
      throw teamError('NAME_REQUIRED', `A team name has at most ${MAX_TEAM_NAME} characters`);
    this.contentPolicy.assertAllowed(name, { surface: 'team_name', roomId: sessionId, userId: caller.userId }, 'name');
    return this.tx.transaction(async () => {
      await this.playableSession(caller, sessionId);
      await this.assertNotInTeam(sessionId, caller.userId);
      const created = await this.repository.insertTeam(sessionId, name);
      const team = created ?? (await this.repository.lockTeamByName(sessionId, name));
      if (!team) throw teamError('TEAM_NAME_TAKEN', `The name ${name} is being taken; try again`);
      let reactivated = false;
      if (!created) {
        if (team.active || !(await this.repository.reactivate(team.id)))
          throw teamError('TEAM_NAME_TAKEN', `A team called ${team.name} plays in this session`, { teamId: team.id });
        reactivated = true;
      }
      if (!(await this.repository.addMember(team, caller.userId, 1))) throw await this.refusedJoin(team, caller.userId);
      const view = await this.view({ ...team, active: true });
      const change: TeamChange = reactivated ? 'reactivated' : 'created';
      this.afterCommit(change, view);
      this.tx.afterCommit(() => {
        if (reactivated) this.bus.emit(ArenaEvents.teamMemberJoined, { teamId: team.id, userId: caller.userId });
        else {
          const event: TeamCreatedEvent = { teamId: team.id, name: team.name, memberIds: [caller.userId] };
          this.bus.emit(ArenaEvents.teamCreated, event);
        }
      });
      return { ...view, reactivated, slot: 1 };
    });
  }

  /** Joins an active team in its free slot: TEAM_FULL when both are held, TEAM_INACTIVE when nobody is in it. */
  async join(caller: Caller, teamId: string): Promise<TeamJoined> {
    return this.tx.transaction(async () => {
      const team = await this.repository.lockTeam(teamId);
      if (!team) throw teamError('TEAM_NOT_FOUND', 'No such team', { teamId });
      await this.playableSession(caller, team.sessionId);
      const current = await this.repository.teamOf(team.sessionId, caller.userId);
      if (current !== null)
        throw teamError('ALREADY_IN_TEAM', 'You are in a team of this session already', { teamId: current });
      if (!team.active)
        throw teamError('TEAM_INACTIVE', 'Nobody is in this team any more; create it again by its name', { teamId });
      const slot = slotToTake(await this.repository.members([team.id]));
      if (slot === null) throw teamError('TEAM_FULL', 'Both places in this team are taken', { teamId });
      if (!(await this.repository.addMember(team, caller.userId, slot)))
        throw await this.refusedJoin(team, caller.userId);
      const view = await this.view(team);
      this.afterCommit('joined', view);
      this.tx.afterCommit(() => this.bus.emit(ArenaEvents.teamMemberJoined, { teamId, userId: caller.userId }));
      return { ...view, slot };
    });
  }

  /** Leaves a team for good; the partner waits, and a team with nobody left becomes inactive. */
  async leave(caller: Caller, teamId: string): Promise<TeamLeft> {
    return this.tx.transaction(async () => {
      const team = await this.repository.lockTeam(teamId);
      if (!team || !(await this.repository.leave(teamId, caller.userId)))
        throw teamError('NOT_IN_TEAM', 'You are not in this team', { teamId });
      const active = !(await this.repository.deactivateIfEmpty(teamId));
      const view = await this.view({ ...team, active });
      this.afterCommit('left', view, [caller.userId]);
      this.tx.afterCommit(() => this.bus.emit(ArenaEvents.teamMemberLeft, { teamId, userId: caller.userId }));
      return { teamId, sessionId: team.sessionId, active };
    });
  }

  /** The session's teams (active first, then inactive), and the caller's own. */
  async list(caller: Caller, sessionId: string): Promise<TeamList> {
    const session = await this.repository.session(sessionId);
    if (!session) throw teamError('SESSION_NOT_FOUND', 'No such session', { sessionId });
    const teams = await this.sessionTeams(sessionId);
    return { sessionId, teams, yourTeamId: await this.repository.teamOf(sessionId, caller.userId) };
  }

  /** One team as anyone in its session sees it. */
  async get(teamId: string): Promise<TeamView> {
    const team = await this.repository.team(teamId);
    if (!team) throw teamError('TEAM_NOT_FOUND', 'No such team', { teamId });
    return this.view(team);
  }

  /** Every team of a session, active first (for the games played by them). */
  async sessionTeams(sessionId: string): Promise<TeamView[]> {
    const views = await this.views(await this.repository.sessionTeams(sessionId));
    return views.sort((a, b) => Number(b.active) - Number(a.active));
  }

  /** The user's live team in a session and its slot, or null. */
  async membership(sessionId: string, userId: string): Promise<{ team: TeamView; slot: 1 | 2 } | null> {
    const teamId = await this.repository.teamOf(sessionId, userId);
    if (teamId === null) return null;
    const team = await this.get(teamId);
    const slot = team.members.find((member) => member.userId === userId)?.slot;
    return slot === undefined ? null : { team, slot };
  }

  /** The user's last socket closed: its slots are held for each session's reconnect window. */
  onDisconnect(userId: string): void {
    if (this.lifecycle.draining) return;
    void this.inOrder(userId, async () => {
      if (this.lifecycle.draining || (await this.emitter.isConnected(userId))) return;
      const teams = await this.repository.markAway(userId, this.config.rooms.reconnectWindowMs);
      await this.announce('away', teams);
    });
  }

  /** A socket of the user connected: within the window, it has its slots back. */
  onConnect(userId: string): void {
    void this.inOrder(userId, async () => {
      const teams = await this.repository.markReturned(userId);
      await this.announce('returned', teams);
    });
  }

  /** Members whose reconnect window ran out leave their teams, as `team:leave` would; returns how many. */
  async expireAway(limit = 500): Promise<number> {
    const expired = await this.tx.transaction(async () => {
      const gone = await this.repository.expireAway(limit);
      for (const teamId of new Set(gone.map((member) => member.teamId)))
        await this.repository.deactivateIfEmpty(teamId);
      return gone;
    });
    for (const { teamId, userId } of expired) this.bus.emit(ArenaEvents.teamMemberLeft, { teamId, userId });
    await this.announce(
      'expired',
      [...new Set(expired.map((member) => member.teamId))],
      expired.map((member) => member.userId),
    );
    return expired.length;
  }

  // ---- helpers ----

  private async playableSession(caller: Caller, sessionId: string): Promise<SessionRow> {
    const session = await this.repository.session(sessionId);
    if (!session) throw teamError('SESSION_NOT_FOUND', 'No such session', { sessionId });
    if (session.closed) throw teamError('SESSION_CLOSED', 'This session is over', { sessionId });
    if (session.hostUserId === caller.userId)
      throw teamError('HOST_CANNOT_PLAY', 'The host runs the session and plays in no team', { sessionId });
    return session;
  }

  private async assertNotInTeam(sessionId: string, userId: string): Promise<void> {
    const current = await this.repository.teamOf(sessionId, userId);
    if (current !== null)
      throw teamError('ALREADY_IN_TEAM', 'You are in a team of this session already', { teamId: current });
  }

  /** A member insert the constraints refused: which of them, in the player's words. */
  private async refusedJoin(team: TeamRow, userId: string) {
    const current = await this.repository.teamOf(team.sessionId, userId);
    return current !== null
      ? teamError('ALREADY_IN_TEAM', 'You are in a team of this session already', { teamId: current })
      : teamError('TEAM_FULL', 'Both places in this team are taken', { teamId: team.id });
  }

  private async view(team: TeamRow): Promise<TeamView> {
    return teamView(team, await this.repository.members([team.id]));
  }

  private async views(teams: TeamRow[]): Promise<TeamView[]> {
    const members = await this.repository.members(teams.map((team) => team.id));
    return teams.map((team) =>
      teamView(
        team,
        members.filter((member) => member.teamId === team.id),
      ),
    );
  }

  /** After commit: the team's members (and those who just left it) and the session's host hear of the change. */
  private afterCommit(change: TeamChange, team: TeamView, alsoTo: string[] = []): void {
    this.tx.afterCommit(() => this.publish(change, team, alsoTo));
  }

  private publish(change: TeamChange, team: TeamView, alsoTo: string[] = []): void {
    const rooms = [
      hostChannel(team.sessionId),
      ...team.members.map((member) => userRoom(member.userId)),
      ...alsoTo.map(userRoom),
    ];
    this.emitter.toRoom(rooms, 'team:update', { change, team });
  }

  private async announce(change: TeamChange, teamIds: string[], alsoTo: string[] = []): Promise<void> {
    for (const teamId of teamIds) {
      const team = await this.repository.team(teamId);
      if (team) this.publish(change, await this.view(team), alsoTo);
    }
  }

  /** Runs after this user's earlier presence changes; never rejects. */
  private inOrder(userId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.presence.get(userId) ?? Promise.resolve();
    const done = this.lifecycle.begin();
    const next = previous
      .then(work)
      .catch((error: unknown) => {
        if (!this.lifecycle.draining) this.logger.warn({ err: error, userId }, 'team presence change failed');
      })
      .finally(() => {
        done();
        if (this.presence.get(userId) === next) this.presence.delete(userId);
      });
    this.presence.set(userId, next);
    return next;
  }
}
