import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { ArenaEvents, type TeamChatAccess } from '../common/events/arena-events';
import { TransactionHost } from '../database/transaction-host';
import { drawItems, newAssignment } from '../games/domain/chsh/chsh.assignment';
import { roundRandom } from '../games/domain/chsh/chsh.random';
import { roundSucceeded } from '../games/domain/chsh/chsh.statistics';
import type { ChshItem, ChshMode } from '../games/domain/chsh/chsh.types';
import { hostChannel } from '../games/room-publisher.service';
import type { Caller } from '../identity/caller';
import { SocketEmitter, userRoom } from '../realtime/socket-emitter.service';
import type { TeamView } from '../teams/teams.types';
import { TeamsService } from '../teams/teams.service';
import { ChshDashboard } from './chsh-dashboard.service';
import { ChshReports } from './chsh-reports.service';
import { chshError } from './chsh.errors';
import { ChshRepository } from './chsh.repository';
import type {
  ChshAnswered,
  ChshPlayerView,
  ChshReport,
  ChshRoundRow,
  ChshSessionRow,
  ChshStatus,
  ChshStatusChanged,
} from './chsh.types';

export type ChshControl = 'start' | 'pause' | 'resume' | 'restart';

/**
 * A CHSH session: the host's controls, the teams' rounds and answers. Each team plays its own rounds:
 * the balanced draw of the team's next items, from the room's seed, happens in the transaction that
 * closes its previous round, so the next round opens at once. Every change commits before anyone hears
 * of it; each player hears only its own item until the round closes. While the session runs, every team's
 * chat is closed (its rounds are open all along); in setup and paused it is open.
 */
@Injectable()
export class ChshService {
  constructor(
    private readonly repository: ChshRepository,
    private readonly tx: TransactionHost,
    private readonly teams: TeamsService,
    private readonly reports: ChshReports,
    private readonly dashboard: ChshDashboard,
    private readonly emitter: SocketEmitter,
    private readonly bus: EventEmitter2,
  ) {}

  /** The mode, chosen before the start (and again after a restart). */
  async configure(caller: Caller, sessionId: string, mode: ChshMode): Promise<ChshStatusChanged> {
    return this.tx.transaction(async () => {
      const session = await this.hostSession(caller, sessionId);
      if (session.status !== 'setup') throw chshError('SESSION_STARTED', 'The mode is chosen before the start');
      return this.setControl(session, mode, 'setup', []);
    });
  }

  async control(caller: Caller, sessionId: string, command: ChshControl): Promise<ChshStatusChanged> {
    return this.tx.transaction(async () => {
      const session = await this.hostSession(caller, sessionId);
      const { status } = session;
      switch (command) {
        case 'start':
          if (status !== 'setup') throw chshError('SESSION_STARTED', 'The session has started');
          return this.setControl(session, session.mode, 'running', await this.teams.sessionTeams(sessionId));
        case 'pause':
          if (status === 'setup') throw chshError('SESSION_NOT_STARTED', 'The session has not started');
          if (status === 'paused') throw chshError('SESSION_PAUSED', 'The session is paused already');
          return this.setControl(session, session.mode, 'paused', []);
        case 'resume':
          if (status !== 'paused') throw chshError('SESSION_NOT_PAUSED', 'The session is not paused');
          return this.setControl(session, session.mode, 'running', await this.teams.sessionTeams(sessionId));
        case 'restart':
          // Rounds and answers go; the teams stay, and the host chooses the mode and starts again.
          await this.repository.deleteRounds(sessionId);
          return this.setControl(session, session.mode, 'setup', []);
      }
    });
  }

  /** What this player sees now: the session's status and, while a round is open for its team, its own item. */
  async state(caller: Caller, sessionId: string): Promise<ChshPlayerView> {
    return this.tx.transaction(async () => {
      const session = await this.requireSession(sessionId, 'share');
      const membership = await this.teams.membership(sessionId, caller.userId);
      const view: ChshPlayerView = {
        sessionId,
        status: session.status,
        mode: session.mode,
        teamId: membership?.team.teamId ?? null,
        slot: membership?.slot ?? null,
        round: null,
      };
      if (!membership || session.status !== 'running' || !membership.team.full) return view;
      const open = await this.ensureRound(session, membership.team.teamId);
      const answered = open.answers[membership.slot - 1] !== null;
      return { ...view, round: { round: open.round, item: open.items[membership.slot - 1], answered } };
    });
  }

  /**
   * One player's answer to its item of the open round. Refused, in this order: NOT_IN_TEAM,
   * SESSION_NOT_STARTED, SESSION_PAUSED, TEAM_NOT_FULL, NOT_OPEN_ROUND, WRONG_ITEM, ALREADY_ANSWERED.
   */
  async answer(
    caller: Caller,
    sessionId: string,
    input: { round: number; item: ChshItem; answer: boolean },
  ): Promise<ChshAnswered> {
    return this.tx.transaction(async () => {
      const session = await this.requireSession(sessionId, 'share');
      const membership = await this.teams.membership(sessionId, caller.userId);
      if (!membership) throw chshError('NOT_IN_TEAM', 'You are in no team of this session');
      if (session.status === 'setup') throw chshError('SESSION_NOT_STARTED', 'The session has not started');
      if (session.status === 'paused') throw chshError('SESSION_PAUSED', 'The host paused the session');
      const { team, slot } = membership;
      if (!team.full) throw chshError('TEAM_NOT_FULL', 'Your partner is not here; wait for them');
      const open = await this.ensureRound(session, team.teamId);
      if (input.round !== open.round)
        throw chshError('NOT_OPEN_ROUND', `Round ${open.round} is open`, { round: open.round });
      if (input.item !== open.items[slot - 1]) throw chshError('WRONG_ITEM', 'That is not the item you were given');
      if (open.answers[slot - 1] !== null) throw chshError('ALREADY_ANSWERED', 'You answered this round already');
      const answered = await this.repository.answer(team.teamId, open.round, slot, input.answer);
      const closed = answered.closedAt !== null;
      if (closed) {
        const next = await this.ensureRound(session, team.teamId);
        this.tx.afterCommit(() => {
          this.publishResult(sessionId, team, answered);
          this.publishRound(sessionId, team, next);
        });
      }
      this.tx.afterCommit(() => this.dashboard.changed(sessionId));
      return { sessionId, teamId: team.teamId, round: open.round, item: input.item, answer: input.answer, closed };
    });
  }

  /** The report, for the host and moderators. */
  async report(caller: Caller, sessionId: string): Promise<ChshReport> {
    await this.reader(caller, sessionId);
    const report = await this.reports.report(sessionId);
    if (!report) throw chshError('SESSION_NOT_FOUND', 'No such CHSH session');
    return report;
  }

  async csv(caller: Caller, sessionId: string): Promise<string> {
    await this.reader(caller, sessionId);
    return this.reports.csv(sessionId);
  }

  /** A team changed (formed, completed, left): while the session runs, its round opens for it now. */
  async teamChanged(teamId: string): Promise<void> {
    const team = await this.teams.get(teamId);
    await this.tx.transaction(async () => {
      const session = await this.repository.session(team.sessionId, 'share');
      if (!session) return;
      this.tx.afterCommit(() => this.dashboard.changed(team.sessionId));
      if (session.status !== 'running') return;
      this.tx.afterCommit(() => this.chatAccess(teamId, false));
      if (!team.full) return;
      const open = await this.ensureRound(session, teamId);
      this.tx.afterCommit(() => this.publishRound(team.sessionId, team, open));
    });
  }

  // ---- helpers ----

  private async requireSession(sessionId: string, lock: 'update' | 'share'): Promise<ChshSessionRow> {
    const session = await this.repository.session(sessionId, lock);
    if (!session) throw chshError('SESSION_NOT_FOUND', 'No such CHSH session', { sessionId });
    return session;
  }

  /** Only the session's host drives it: the caller comes from the connection, never from the payload. */
  private async hostSession(caller: Caller, sessionId: string): Promise<ChshSessionRow> {
    const session = await this.requireSession(sessionId, 'update');
    if (session.hostUserId !== caller.userId) throw chshError('HOST_ONLY', 'Only the host runs the session');
    return session;
  }

  private async reader(caller: Caller, sessionId: string): Promise<void> {
    const session = await this.repository.session(sessionId, null);
    if (!session) throw chshError('SESSION_NOT_FOUND', 'No such CHSH session', { sessionId });
    if (session.hostUserId !== caller.userId && caller.role !== 'moderator' && caller.role !== 'admin')
      throw chshError('HOST_ONLY', 'Only the host and moderators read a session’s statistics');
  }

  private async setControl(
    session: ChshSessionRow,
    mode: ChshMode,
    status: ChshStatus,
    opening: TeamView[],
  ): Promise<ChshStatusChanged> {
    await this.repository.setControl(session.sessionId, mode, status);
    const next = { ...session, mode, status };
    const opened: Array<[TeamView, ChshRoundRow]> = [];
    for (const team of opening.filter((candidate) => candidate.full))
      opened.push([team, await this.ensureRound(next, team.teamId)]);
    const changed: ChshStatusChanged = { sessionId: session.sessionId, status, mode };
    this.tx.afterCommit(async () => {
      const teams = await this.teams.sessionTeams(session.sessionId).catch(() => []);
      const players = teams.flatMap((team) => team.members.map((member) => userRoom(member.userId)));
      this.emitter.toRoom([hostChannel(session.sessionId), ...players], 'chsh:status', changed);
      // Partners must not confer while their rounds are open: a running session's team chats are closed.
      for (const team of teams) this.chatAccess(team.teamId, status !== 'running');
      for (const [team, round] of opened) this.publishRound(session.sessionId, team, round);
      this.dashboard.changed(session.sessionId);
    });
    return changed;
  }

  /** The team's open round, locked; opened now (the next balanced draw) when there is none. */
  private async ensureRound(session: ChshSessionRow, teamId: string): Promise<ChshRoundRow> {
    const open = await this.repository.lockOpenRound(teamId);
    if (open) return open;
    const last = await this.repository.lastRound(teamId);
    const round = (last?.round ?? 0) + 1;
    const drawn = drawItems(last?.assignment ?? newAssignment(session.mode), roundRandom(session.seed, teamId, round));
    const inserted = await this.repository.insertRound(session.sessionId, teamId, round, drawn.items, drawn.state);
    return inserted ?? (await this.repository.lockOpenRound(teamId))!;
  }

  private chatAccess(teamId: string, writable: boolean): void {
    const access: TeamChatAccess = { teamId, writable };
    this.bus.emit(ArenaEvents.teamChatAccess, access);
  }

  /** Each member hears of the new round with its own item only. */
  private publishRound(sessionId: string, team: TeamView, round: ChshRoundRow): void {
    for (const member of team.members) {
      this.emitter.toRoom(userRoom(member.userId), 'chsh:round', {
        sessionId,
        teamId: team.teamId,
        round: round.round,
        item: round.items[member.slot - 1],
      });
    }
  }

  private publishResult(sessionId: string, team: TeamView, round: ChshRoundRow): void {
    const answers: [boolean, boolean] = [round.answers[0]!, round.answers[1]!];
    this.emitter.toRoom(
      team.members.map((member) => userRoom(member.userId)),
      'chsh:result',
      {
        sessionId,
        teamId: team.teamId,
        round: round.round,
        items: round.items,
        answers,
        success: roundSucceeded({ team: team.name, round: round.round, items: round.items, answers, at: 0 }),
      },
    );
  }
}
