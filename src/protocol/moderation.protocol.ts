/** What moderation tells a sanctioned player's sockets (docs/moderation.md). Moderation has no client events. */
export interface ModerationServerEvents {
  /** Banned: the socket closes right after; reconnecting is refused with BANNED until `expiresAt` (null: for good). */
  'moderation:banned': (payload: { expiresAt: string | null; reason: string }) => void;
  /** Muted: chat messages are refused with MUTED until `expiresAt`. */
  'moderation:muted': (payload: { expiresAt: string | null; reason: string }) => void;
  /** Kicked from one room: joining or watching it is refused with KICKED until `expiresAt`. */
  'moderation:kicked': (payload: { roomId: string | null; expiresAt: string | null; reason: string }) => void;
  'moderation:warned': (payload: { reason: string }) => void;
}
