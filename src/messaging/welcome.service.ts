import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TransactionHost } from '../database/transaction-host';
import type { Caller } from '../identity/caller';
import { decideConfirm, decideFetch, graceEndsAt } from './domain/welcome';
import { conversationNotFound, messagingError, notAMember, welcomeRefused } from './messaging.errors';
import { MessagingRepository, type ConversationAccess } from './messaging.repository';
import type { WelcomeConfirmation, WelcomePackageView } from './messaging.types';

/**
 * Welcome packages, two-phase: a new member fetches its welcome (then it is `fetched`), may fetch it again
 * within the grace period, and confirms; after the grace period an unconfirmed welcome is gone (410).
 */
@Injectable()
export class WelcomeService {
  constructor(
    private readonly repository: MessagingRepository,
    private readonly tx: TransactionHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The caller's welcome package: built at the first fetch, the same again within the grace period, then gone (410). */
  async fetchWelcome(caller: Caller, conversationId: string): Promise<WelcomePackageView> {
    return this.tx.transaction(async () => {
      const access = await this.welcomeAccess(caller, conversationId);
      const welcome = await this.repository.lockWelcome(conversationId, caller.userId);
      if (!welcome)
        throw messagingError('WELCOME_NOT_FOUND', 'There is no welcome for you in this conversation', {
          conversationId,
        });
      const grace = this.config.chat.welcomeGraceMs;
      const decision = decideFetch(
        { state: welcome.state, fetchedAt: welcome.fetchedAt?.getTime() ?? null },
        welcome.now.getTime(),
        grace,
      );
      if (decision.action === 'refuse') throw welcomeRefused(decision.refusal);
      if (decision.action === 'replay') return welcome.package as WelcomePackageView;

      const fetchedAt = welcome.now;
      const view: WelcomePackageView = {
        conversation: access.conversation,
        members: await this.repository.members(conversationId),
        messages: await this.repository.lastMessages(conversationId, this.config.chat.welcomeMessages, caller.userId),
        readSeq: access.member!.readSeq,
        state: 'fetched',
        fetchedAt: fetchedAt.toISOString(),
        graceEndsAt: new Date(graceEndsAt({ state: 'fetched', fetchedAt: fetchedAt.getTime() }, grace)!).toISOString(),
      };
      await this.repository.markWelcomeFetched(conversationId, caller.userId, fetchedAt, view);
      return view;
    });
  }

  async confirmWelcome(caller: Caller, conversationId: string): Promise<WelcomeConfirmation> {
    return this.tx.transaction(async () => {
      await this.welcomeAccess(caller, conversationId);
      const welcome = await this.repository.lockWelcome(conversationId, caller.userId);
      if (!welcome)
        throw messagingError('WELCOME_NOT_FOUND', 'There is no welcome for you in this conversation', {
          conversationId,
        });
      const decision = decideConfirm(
        { state: welcome.state, fetchedAt: welcome.fetchedAt?.getTime() ?? null },
        welcome.now.getTime(),
        this.config.chat.welcomeGraceMs,
      );
      if (decision.action === 'refuse') throw welcomeRefused(decision.refusal);
      const confirmedAt =
        decision.action === 'confirm'
          ? await this.repository.markWelcomeConfirmed(conversationId, caller.userId)
          : welcome.confirmedAt!;
      return { conversationId, state: 'confirmed', confirmedAt: confirmedAt.toISOString() };
    });
  }

  private async welcomeAccess(caller: Caller, conversationId: string): Promise<ConversationAccess> {
    const access = await this.repository.access(conversationId, caller.userId);
    if (!access) throw conversationNotFound(conversationId);
    if (!access.member) throw notAMember(conversationId);
    return access;
  }
}
