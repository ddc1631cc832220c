import { Injectable } from '@nestjs/common';
import { AppError } from '../errors/app-error';

/** Where a text is shown; names may be held to stricter rules than chat. */
export type ContentSurface = 'chat' | 'roast' | 'display_name' | 'team_name' | 'room_name';

export interface ContentCheck {
  surface: ContentSurface;
  /** The room whose staged-rollout bucket applies, when there is one. */
  roomId?: string;
  userId?: string;
}

export interface ContentDecision {
  allowed: boolean;
  code: string | null;
  category: string | null;
}

export type ContentPolicy = (text: string, check: ContentCheck) => ContentDecision;

const ALLOW_ALL: ContentPolicy = () => ({ allowed: true, code: null, category: null });

/**
 * The seam between features that accept text (names, chat, roasts) and the moderation module that
 * judges it. Until moderation installs its policy, everything is allowed.
 */
@Injectable()
export class ContentPolicyPort {
  private policy: ContentPolicy = ALLOW_ALL;

  use(policy: ContentPolicy): void {
    this.policy = policy;
  }

  check(text: string, check: ContentCheck): ContentDecision {
    return this.policy(text, check);
  }

  /** Throws the policy's code (CONTENT_BLOCKED by default) with the category when the text is refused. */
  assertAllowed(text: string, check: ContentCheck, field = 'text'): void {
    const decision = this.policy(text, check);
    if (!decision.allowed) {
      throw new AppError(
        decision.code ?? 'CONTENT_BLOCKED',
        `The ${field} is not allowed here`,
        { field, category: decision.category },
        422,
      );
    }
  }
}
