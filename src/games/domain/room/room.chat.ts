import type { ChatChannelRule, GameEngine, SeatSet } from '../engine';
import type { RoomState } from './room.types';

/** A seat holder in a room chat channel, and what it may do there now. */
export interface RoomChatMember {
  user_id: string;
  read: boolean;
  write: boolean;
}

/** One room chat channel as chat stores it (the shape chat_set_room_channels takes). */
export interface RoomChatChannel {
  channel: string;
  /** Every seat and the spectators are in it. */
  everyone: boolean;
  spectators: ChatChannelRule['spectators'];
  /** Seat holders only: bots and seats whose player is gone have no user and never chat. */
  members: RoomChatMember[];
}

/** In the lobby, and in games that declare no channels: one channel, open to every seat and spectator. */
const OPEN_ROOM: Record<string, ChatChannelRule> = { room: { members: 'all', write: 'members', spectators: 'write' } };

const includes = (set: SeatSet | undefined, seat: number, otherwise: boolean) =>
  set === undefined ? otherwise : set === 'members' ? true : set === 'none' ? false : set.includes(seat);

/**
 * The room's chat channels now: the game's declaration over the current seats, resolved to users, in a
 * stable order (so that two states with the same channels give equal values).
 */
export function roomChat(state: RoomState, engine: GameEngine<unknown, object> | undefined): RoomChatChannel[] {
  const rules = state.game !== null && engine?.channels ? engine.channels(state.game) : OPEN_ROOM;
  const holders = state.seats.filter((seat) => seat.userId !== null);
  return Object.keys(rules)
    .sort()
    .map((channel) => {
      const rule = rules[channel];
      const everyone = rule.members === 'all';
      const members = holders
        .filter((holder) => rule.members === 'all' || rule.members.includes(holder.seat))
        .map((holder) => {
          const read = includes(rule.read, holder.seat, true);
          return { user_id: holder.userId as string, read, write: read && includes(rule.write, holder.seat, false) };
        })
        .sort((a, b) => (a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0));
      return { channel, everyone, spectators: everyone ? rule.spectators : 'none', members };
    });
}

/** The channels to store after a change, or null when they are as they were. */
export function changedRoomChat(
  before: RoomState | null,
  after: RoomState,
  engine: GameEngine<unknown, object> | undefined,
): RoomChatChannel[] | null {
  const now = roomChat(after, engine);
  if (before !== null && JSON.stringify(roomChat(before, engine)) === JSON.stringify(now)) return null;
  return now;
}
