import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { ArenaEvents, type UserSanctioned } from '../common/events/arena-events';
import { SocketEmitter } from '../realtime/socket-emitter.service';

/** Server-to-client events that tell a player about a sanction on every one of its sockets. */
export const ModerationSocketEvents = {
  banned: 'moderation:banned',
  muted: 'moderation:muted',
  warned: 'moderation:warned',
  kicked: 'moderation:kicked',
} as const;

/**
 * What a committed sanction does at once to the user's live sockets, on every process: a ban tells
 * them and closes them (reconnecting is then refused with BANNED), a mute or a warning is told, a kick
 * is told (the rooms module takes the seat away on the same event).
 */
@Injectable()
export class SanctionEffects {
  constructor(private readonly emitter: SocketEmitter) {}

  @OnEvent(ArenaEvents.userSanctioned)
  onSanctioned(event: UserSanctioned): void {
    const notice = { expiresAt: event.expiresAt, reason: event.reason };
    switch (event.kind) {
      case 'ban':
        return this.emitter.disconnectUser(event.userId, ModerationSocketEvents.banned, notice);
      case 'mute':
        return this.emitter.toUser(event.userId, ModerationSocketEvents.muted, notice);
      case 'warn':
        return this.emitter.toUser(event.userId, ModerationSocketEvents.warned, { reason: event.reason });
      case 'kick':
        return this.emitter.toUser(event.userId, ModerationSocketEvents.kicked, { ...notice, roomId: event.roomId });
    }
  }
}
