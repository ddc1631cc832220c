import { Module } from '@nestjs/common';
import { TeamsModule } from '../teams/teams.module';
import { ChshController } from './chsh.controller';
import { ChshDashboard } from './chsh-dashboard.service';
import { ChshGateway } from './chsh.gateway';
import { ChshListeners } from './chsh.listeners';
import { ChshRepository } from './chsh.repository';
import { ChshReports } from './chsh-reports.service';
import { ChshService } from './chsh.service';

/** CHSH classroom sessions: the host's controls and dashboard, the teams' rounds, statistics and CSV. */
@Module({
  imports: [TeamsModule],
  controllers: [ChshController],
  providers: [ChshRepository, ChshReports, ChshDashboard, ChshService, ChshGateway, ChshListeners],
})
export class ChshModule {}
