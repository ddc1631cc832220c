import type { RoomChannel } from './conversation';

/** What a member may do in a room channel right now. */
export interface ChannelAccess {
  read: boolean;
  write: boolean;
}

/** What a room channel rule is told: the channel, the room's game and phase, and who is asking. */
export interface RoomChannelContext {
  roomId: string;
  channel: RoomChannel;
  gameId: string | null;
  phase: string | null;
  userId: string;
  role: 'seat' | 'spectator' | 'member' | 'owner';
  /** In a game with a dead channel: whether the asker is among the dead. */
  dead: boolean;
}

export type RoomChannelRule = (context: RoomChannelContext) => ChannelAccess;

export const OPEN: ChannelAccess = { read: true, write: true };
export const CLOSED: ChannelAccess = { read: false, write: false };
export const READ_ONLY: ChannelAccess = { read: true, write: false };

/** Games without channel rules: the room channel is open to its members, every other channel is closed. */
export const openRoomChannelRule: RoomChannelRule = (context) => (context.channel === 'room' ? OPEN : CLOSED);

/**
 * The rules by game. Membership of a private channel (mafia, dead) is kept by the games module, so
 * being a member of the mafia channel means being mafia.
 */
export const defaultRoomChannelRule: RoomChannelRule = (context) =>
  context.gameId === 'mafia'
    ? mafiaChannelAccess(context.channel, {
        phase: context.phase,
        spectator: context.role === 'spectator',
        mafia: context.channel === 'mafia',
        alive: !context.dead,
      })
    : openRoomChannelRule(context);

/** What Mafia knows about the asking member; the games module supplies it from the room's hidden state. */
export interface MafiaMemberFacts {
  phase: string | null;
  spectator: boolean;
  mafia: boolean;
  alive: boolean;
}

const MAFIA_GAME_PHASES = new Set(['night', 'discussion', 'voting']);

/**
 * Mafia's channels. Room: everyone reads; during a game only the living write, and nobody at night.
 * Mafia: the mafia only, written at night (the night channel), readable by them all game long.
 * Dead: the dead only, so the living never learn what the dead know.
 */
export function mafiaChannelAccess(channel: RoomChannel, member: MafiaMemberFacts): ChannelAccess {
  const inGame = member.phase !== null && MAFIA_GAME_PHASES.has(member.phase);
  switch (channel) {
    case 'room':
      if (!inGame) return OPEN;
      return { read: true, write: !member.spectator && member.alive && member.phase !== 'night' };
    case 'mafia':
      if (member.spectator || !member.mafia) return CLOSED;
      return { read: true, write: member.alive && member.phase === 'night' };
    case 'dead':
      if (member.spectator || member.alive) return CLOSED;
      return OPEN;
  }
}
