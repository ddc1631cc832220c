import { Injectable } from '@nestjs/common';
import { AppError } from '../errors/app-error';

export interface ActiveSanction {
  kind: 'ban' | 'mute' | 'kick';
  /** ISO time it ends; null for a permanent ban. */
  expiresAt: string | null;
  reason?: string;
}

export interface SanctionLookup {
  activeBan(userId: string): Promise<ActiveSanction | null>;
  activeMute(userId: string): Promise<ActiveSanction | null>;
  activeKick(userId: string, roomId: string): Promise<ActiveSanction | null>;
}

const NONE: SanctionLookup = {
  activeBan: async () => null,
  activeMute: async () => null,
  activeKick: async () => null,
};

/**
 * The seam between identity, rooms and chat, which must refuse banned, muted or kicked users, and the
 * moderation module that records sanctions. Until moderation installs its lookup, nobody is sanctioned.
 */
@Injectable()
export class SanctionsPort {
  private lookup: SanctionLookup = NONE;

  use(lookup: SanctionLookup): void {
    this.lookup = lookup;
  }

  async assertNotBanned(userId: string): Promise<void> {
    const ban = await this.lookup.activeBan(userId);
    if (ban)
      throw new AppError(
        'BANNED',
        ban.expiresAt ? `Banned until ${ban.expiresAt}` : 'Banned',
        { expiresAt: ban.expiresAt, reason: ban.reason },
        403,
      );
  }

  async assertNotMuted(userId: string): Promise<void> {
    const mute = await this.lookup.activeMute(userId);
    if (mute)
      throw new AppError(
        'MUTED',
        `Muted until ${mute.expiresAt}`,
        { expiresAt: mute.expiresAt, reason: mute.reason },
        403,
      );
  }

  async assertNotKicked(userId: string, roomId: string): Promise<void> {
    const kick = await this.lookup.activeKick(userId, roomId);
    if (kick)
      throw new AppError(
        'KICKED',
        `Kicked from this room until ${kick.expiresAt}`,
        { expiresAt: kick.expiresAt, reason: kick.reason },
        403,
      );
  }
}
