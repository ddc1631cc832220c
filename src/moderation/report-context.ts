import { Injectable } from '@nestjs/common';
import { MessageHistoryPort, RoomHistoryPort } from '../common/ports/history.port';
import type { ReportTargetKind } from './entities/report.entity';
import { ModerationRepository, type Report } from './moderation.repository';

/** Who a reported target is about, and the room it belongs to (if any). */
export interface ResolvedTarget {
  targetUserId: string | null;
  roomId: string | null;
}

/**
 * What a moderator sees next to a report, per kind of target. New kinds of target (team names, say)
 * plug in as another source without touching reports or resolution.
 */
export interface ReportContextSource {
  readonly kind: ReportTargetKind;
  /** The target as reported; null when there is no such target. */
  resolve(targetId: string): Promise<ResolvedTarget | null>;
  context(report: Report): Promise<Record<string, unknown>>;
}

const ROOM_EVENTS_IN_CONTEXT = 50;
const MESSAGES_AROUND = 5;
const HISTORY_IN_CONTEXT = 20;

/** A reported user: who they are, their sanctions and the other open reports about them. */
@Injectable()
export class UserContextSource implements ReportContextSource {
  readonly kind = 'user';

  constructor(private readonly repository: ModerationRepository) {}

  async resolve(targetId: string): Promise<ResolvedTarget | null> {
    const user = await this.repository.findUser(targetId);
    return user ? { targetUserId: user.id, roomId: null } : null;
  }

  async context(report: Report): Promise<Record<string, unknown>> {
    const user = await this.repository.findUser(report.targetId);
    const sanctions = await this.repository.listSanctions({
      userId: report.targetId,
      activeOnly: false,
      limit: HISTORY_IN_CONTEXT,
    });
    const openReports = await this.repository.listReports({
      targetUserId: report.targetId,
      status: 'open',
      limit: HISTORY_IN_CONTEXT,
    });
    return { user, sanctions, openReports: openReports.filter((other) => other.id !== report.id) };
  }
}

/** A reported room: its name and host, and its recent events as any spectator could see them (games' filter). */
@Injectable()
export class RoomContextSource implements ReportContextSource {
  readonly kind = 'room';

  constructor(private readonly rooms: RoomHistoryPort) {}

  async resolve(targetId: string): Promise<ResolvedTarget | null> {
    const room = await this.rooms.room(targetId);
    return room ? { targetUserId: room.hostUserId, roomId: room.id } : null;
  }

  async context(report: Report): Promise<Record<string, unknown>> {
    const room = await this.rooms.room(report.targetId);
    const events = room ? await this.rooms.recentPublicEvents(room.id, ROOM_EVENTS_IN_CONTEXT) : [];
    return { room, events };
  }
}

/** A reported chat message, with the messages around it and, in a room channel, the room's public events. */
@Injectable()
export class MessageContextSource implements ReportContextSource {
  readonly kind = 'message';

  constructor(
    private readonly messages: MessageHistoryPort,
    private readonly rooms: RoomHistoryPort,
  ) {}

  async resolve(targetId: string): Promise<ResolvedTarget | null> {
    const message = await this.messages.message(targetId);
    return message ? { targetUserId: message.senderId, roomId: message.roomId } : null;
  }

  async context(report: Report): Promise<Record<string, unknown>> {
    const message = await this.messages.message(report.targetId);
    if (!message) return { message: null, messages: [] };
    const messages = await this.messages.around(message.conversationId, message.seq, MESSAGES_AROUND);
    const roomEvents = message.roomId
      ? await this.rooms.recentPublicEvents(message.roomId, ROOM_EVENTS_IN_CONTEXT)
      : [];
    return {
      message: messages.find((m) => m.id === message.id) ?? null,
      conversationId: message.conversationId,
      messages,
      roomEvents,
    };
  }
}

/** The sources by kind of target. */
@Injectable()
export class ReportContexts {
  private readonly sources: Map<ReportTargetKind, ReportContextSource>;

  constructor(users: UserContextSource, rooms: RoomContextSource, messages: MessageContextSource) {
    this.sources = new Map<ReportTargetKind, ReportContextSource>(
      [users, rooms, messages].map((source) => [source.kind, source]),
    );
  }

  of(kind: ReportTargetKind): ReportContextSource {
    const source = this.sources.get(kind);
    if (!source) throw new Error(`no report context source for ${kind}`);
    return source;
  }
}
