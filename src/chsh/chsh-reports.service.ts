import { Injectable } from '@nestjs/common';
import { roundsCsv } from '../games/domain/chsh/chsh.csv';
import { chshStatistics } from '../games/domain/chsh/chsh.statistics';
import { TeamsService } from '../teams/teams.service';
import { ChshRepository } from './chsh.repository';
import type { ChshReport } from './chsh.types';

/** The session's statistics, per team and pooled, and its CSV: what the dashboard, REST and the export read. */
@Injectable()
export class ChshReports {
  constructor(
    private readonly repository: ChshRepository,
    private readonly teams: TeamsService,
  ) {}

  async report(sessionId: string): Promise<ChshReport | null> {
    const session = await this.repository.session(sessionId, null);
    if (!session) return null;
    const [teams, rounds, open] = await Promise.all([
      this.teams.sessionTeams(sessionId),
      this.repository.answeredRounds(sessionId),
      this.repository.openRounds(sessionId),
    ]);
    return {
      sessionId,
      status: session.status,
      mode: session.mode,
      teams: teams.map((team) => ({
        teamId: team.teamId,
        name: team.name,
        active: team.active,
        full: team.full,
        round: open.get(team.teamId) ?? null,
        statistics: chshStatistics(
          rounds.filter((round) => round.teamId === team.teamId),
          session.mode,
        ),
      })),
      pooled: chshStatistics(rounds, session.mode),
      at: new Date().toISOString(),
    };
  }

  /** One row per answered round: team, round, items, answers, success, time. */
  async csv(sessionId: string): Promise<string> {
    const rounds = await this.repository.answeredRounds(sessionId);
    return roundsCsv(rounds.map(({ team, round, items, answers, at }) => ({ team, round, items, answers, at })));
  }
}
