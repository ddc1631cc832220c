import { Injectable } from '@nestjs/common';
import { defaultRoomChannelRule, type ChannelAccess, type RoomChannelContext, type RoomChannelRule } from './domain/channel-rules';

/**
 * The seam between chat and the games: who may read and write each room channel, by game and phase.
 * Until the games module installs its rule (e.g. built on `mafiaChannelAccess`), the room channel is
 * open to its members and the other channels are closed. Membership of the mafia and dead channels is
 * set by the games module through MessagingService.setRoomChannelMembers, so live delivery never leaks.
 */
@Injectable()
export class RoomChannelRules {
  private rule: RoomChannelRule = defaultRoomChannelRule;

  use(rule: RoomChannelRule): void {
    this.rule = rule;
  }

  access(context: RoomChannelContext): ChannelAccess {
    return this.rule(context);
  }
}
