import { MessageBody } from '@nestjs/websockets';
import { CurrentCaller } from '../identity/auth.decorators';
import type { Caller } from '../identity/caller';
import { ArenaGateway } from '../realtime/arena-gateway.decorator';
import { On } from '../realtime/on-event.decorator';
import { LeaderboardEventDto } from './dto/telemetry.dto';
import { StatsService } from './stats.service';

/** Statistics and leaderboards over Socket.IO: the same answers as the REST routes. */
@ArenaGateway()
export class StatsGateway {
  constructor(private readonly stats: StatsService) {}

  @On('stats:me')
  me(@CurrentCaller() caller: Caller) {
    return this.stats.player(caller.userId);
  }

  @On('leaderboard:get')
  leaderboard(@MessageBody() body: LeaderboardEventDto) {
    return this.stats.leaderboard(body);
  }
}
