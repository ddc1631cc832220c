import { hash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { findInputProblem, inputProblemError } from '../common/errors/input-bounds';
import { canonicalJson } from '../common/idempotency/idempotency.service';
import { LifecycleService } from '../common/lifecycle/lifecycle.service';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../telemetry/metrics.service';
import type { RoomChatChange } from '../common/events/arena-events';
import { BotDriver } from './bots/bot-driver.service';
import { stateDelta } from './domain/room/room.outcome';
import { changedRoomChat } from './domain/room/room.chat';
import { finishedMatch, type MatchRecord } from './domain/room/room.match';
import { applyRoomCommand, nextRoomDeadline, roomDeadlines, roomRandom, seatOfUser } from './domain/room/room.rules';
import type { RoomActor, RoomCommand, RoomState, StoredRoomEvent } from './domain/room/room.types';
import { EngineRegistry } from './engine-registry';
import { RoomPublisher } from './room-publisher.service';
import { roomError } from './rooms.errors';
import { RoomsRepository, type RoomWrite } from './rooms.repository';

/** What an accepted command answers once committed. */
export interface Committed {
  roomId: string;
  seq: number;
  result: Record<string, unknown>;
  /** True when this was a retry of an action already committed: the first answer, no new effect. */
  duplicate: boolean;
}

interface Submission {
  kind: 'command';
  command: RoomCommand;
  actor: RoomActor;
  /** The stored, namespaced action id (exactly-once key), or null. */
  actionId: string | null;
  fingerprint: string | null;
  attempts: number;
  /** performance.now() when the command arrived, for the receipt-to-ack latency. */
  receivedAt: number;
  resolve(done: Committed): void;
  reject(error: unknown): void;
}

/** "Fire whatever is due": resolved against the state when the room's turn comes, not when queued. */
interface Fire {
  kind: 'fire';
  /** The sweeper moved the row's deadline to a lease; put the real one back if nothing fires. */
  claimed: boolean;
}

type Work = Submission | Fire;

interface Accepted {
  submission: Submission | null;
  event: StoredRoomEvent;
}

class RoomSlot {
  state: RoomState | null = null;
  version = 0;
  loading: Promise<void> | null = null;
  missing = false;
  queue: Work[] = [];
  busy = false;
  /** Recent actions of this room by key, so a concurrent or repeated copy shares the first answer. */
  readonly recent = new Map<string, { fingerprint: string | null; answer: Promise<Committed> }>();
  timer: NodeJS.Timeout | null = null;
  timerAt = 0;
  botDecision: string | null = null;

  constructor(readonly roomId: string) {}
}

interface BatchPart {
  slot: RoomSlot;
  before: RoomState;
  write: RoomWrite;
  accepted: Accepted[];
}

const RECENT_KEYS = 512;
const MAX_ATTEMPTS = 6;
const MAX_ROOMS_PER_BATCH = 1000;
const MAX_COMMANDS_PER_ROOM = 64;
/** Deadlines closer than this get an in-process timer; later ones wait for the sweeper. */
const LOCAL_TIMER_HORIZON_MS = 60_000;

export function fingerprintOf(value: unknown): string {
  // The one-shot hash: this runs for every action, and a Hash object costs twice the digest itself.
  return hash('sha256', canonicalJson(value), 'base64url');
}

/**
 * The room runtime: one writer per room, acknowledged only after commit.
 *
 * Each room has an in-process queue; its commands are applied one at a time to the cached state
 * through the pure room rules. Rooms' accepted commands are written together (group commit: one
 * statement, one transaction for many rooms), each room's snapshot only if its version is still the one
 * read, so two processes can never both write a room: the loser reloads and applies again. Only after
 * the commit are senders acknowledged and per-viewer views published.
 */
@Injectable()
export class RoomRuntime implements OnApplicationShutdown {
  private readonly logger = new Logger('RoomRuntime');
  private readonly slots = new Map<string, RoomSlot>();
  private readonly ready = new Set<RoomSlot>();
  private inFlight = 0;
  private scheduled = false;
  private stopped = false;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    private readonly repository: RoomsRepository,
    private readonly registry: EngineRegistry,
    private readonly publisher: RoomPublisher,
    private readonly bots: BotDriver,
    private readonly lifecycle: LifecycleService,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Applies a command to a room once committed. With an action id, a retry (concurrent or later,
   * here or after a restart) gets the first answer and has no second effect; the same id with another
   * command is refused.
   */
  submit(roomId: string, command: RoomCommand, actor: RoomActor, actionId: string | null = null): Promise<Committed> {
    if (this.stopped)
      return Promise.reject(roomError('SHUTTING_DOWN', 'The server is restarting; retry after reconnecting'));
    // A command PostgreSQL cannot store would fail the group commit it joins, and every action in it.
    const unstorable = findInputProblem(command);
    if (unstorable) return Promise.reject(inputProblemError(unstorable));
    const slot = this.slot(roomId);
    const fingerprint = actionId === null ? null : fingerprintOf({ command, actor });
    if (actionId !== null) {
      const seen = slot.recent.get(actionId);
      if (seen) {
        if (seen.fingerprint !== fingerprint)
          return Promise.reject(roomError('IDEMPOTENCY_KEY_REUSED', 'This actionId was used for a different action'));
        this.metrics.roomActions.inc({ outcome: 'duplicate' });
        this.metrics.gameAction(slot.state?.gameId, 'DUPLICATE').inc();
        return seen.answer.then((done) => ({ ...done, duplicate: true }));
      }
    }
    const done = this.lifecycle.begin();
    const answer = new Promise<Committed>((resolve, reject) => {
      slot.queue.push({
        kind: 'command',
        command,
        actor,
        actionId,
        fingerprint,
        attempts: 0,
        receivedAt: performance.now(),
        resolve,
        reject,
      });
    });
    if (actionId !== null) {
      slot.recent.set(actionId, { fingerprint, answer });
      if (slot.recent.size > RECENT_KEYS) slot.recent.delete(slot.recent.keys().next().value as string);
      // A refused action stores nothing, so the same key may be tried again.
      answer.catch(() => slot.recent.get(actionId)?.answer === answer && slot.recent.delete(actionId));
    }
    void answer.finally(done).catch(() => undefined);
    this.wake(slot);
    return answer;
  }

  /** Fires the room's due deadlines (game timers, held seats, bot turns) through the same queue. */
  fireDue(roomId: string, claimed = false): void {
    // Draining, nothing new starts: the deadline stays stored and the next process fires it.
    if (this.stopped || this.lifecycle.draining) return;
    const slot = this.slot(roomId);
    slot.queue.push({ kind: 'fire', claimed });
    this.wake(slot);
  }

  /**
   * The room as committed: this process's copy when no other process has written the room since (one
   * version lookup tells), else the stored state, which becomes the copy unless a write is in flight
   * (that write will lose its version check and reload). Null if there is no such room.
   */
  async current(roomId: string): Promise<RoomState | null> {
    const slot = this.slot(roomId);
    if (slot.state === null) {
      await this.ensureLoaded(slot);
      // A failed write may have dropped the copy again meanwhile: read the stored room, not "no such room".
      if (slot.state === null && !slot.missing) return (await this.repository.loadRoom(roomId))?.state ?? null;
      return slot.state;
    }
    // A failed write may drop the copy while the version is read: the copy read here still answers.
    const copy = slot.state;
    const version = await this.repository.roomVersion(roomId);
    if (version === null || version <= slot.version) return slot.state ?? copy;
    const loaded = await this.repository.loadRoom(roomId);
    if (!loaded) return null;
    if (!slot.busy && slot.state !== null && loaded.version > slot.version) {
      slot.state = loaded.state;
      slot.version = loaded.version;
      this.armTimer(slot);
    }
    return loaded.state;
  }

  /** This process's copy of the room, as of its latest commit or load here, without asking the database; null if none. */
  cached(roomId: string): RoomState | null {
    return this.slots.get(roomId)?.state ?? null;
  }

  /** How many rooms this process holds in memory (metrics, tests). */
  cachedRooms(): number {
    let held = 0;
    for (const slot of this.slots.values()) if (slot.state !== null) held += 1;
    return held;
  }

  /** Puts a freshly created room into the cache and arms its timers. */
  adopt(state: RoomState): void {
    const slot = this.slot(state.roomId);
    if (slot.state && slot.version >= state.seq) return;
    slot.state = state;
    slot.version = state.seq;
    slot.missing = false;
    this.armTimer(slot);
  }

  /** Waits until no batch is in flight (tests, shutdown). */
  async settled(): Promise<void> {
    while (
      this.inFlight > 0 ||
      this.scheduled ||
      [...this.slots.values()].some((slot) => slot.busy || slot.queue.length > 0)
    ) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const slot of this.slots.values()) if (slot.timer) clearTimeout(slot.timer);
  }

  /** The room's slot, now the most recently used (the map's order is the eviction order). */
  private slot(roomId: string): RoomSlot {
    let slot = this.slots.get(roomId);
    if (slot) {
      this.slots.delete(roomId);
    } else {
      slot = new RoomSlot(roomId);
      if (this.slots.size >= this.config.rooms.cacheSize) this.evictIdle();
    }
    this.slots.set(roomId, slot);
    return slot;
  }

  /**
   * Idle rooms leave memory, least recently used first, until the cache is back under its bound: nothing
   * is lost (the state is committed, deadlines are stored and swept, retries are found by action id).
   * A room with work queued, a write or load in flight, a near timer or a bot thinking stays.
   */
  private evictIdle(): void {
    for (const [roomId, slot] of this.slots) {
      if (this.slots.size < this.config.rooms.cacheSize) return;
      if (slot.busy || slot.queue.length > 0 || slot.loading || slot.timer || slot.botDecision) continue;
      this.slots.delete(roomId);
      this.ready.delete(slot);
    }
  }

  private wake(slot: RoomSlot): void {
    if (slot.busy || slot.queue.length === 0) return;
    if (slot.state === null) {
      // A failed load has answered the queued work already.
      this.ensureLoaded(slot).then(
        () => this.wake(slot),
        () => undefined,
      );
      return;
    }
    this.ready.add(slot);
    this.schedule();
  }

  private ensureLoaded(slot: RoomSlot): Promise<void> {
    if (slot.state !== null || slot.missing) {
      if (slot.missing) this.failMissing(slot);
      return Promise.resolve();
    }
    slot.loading ??= this.repository
      .loadRoom(slot.roomId)
      .then((loaded) => {
        if (loaded) {
          slot.state = loaded.state;
          slot.version = loaded.version;
          this.armTimer(slot);
        } else {
          slot.missing = true;
          this.failMissing(slot);
        }
      })
      .catch((error) => {
        this.logger.error({ err: error, roomId: slot.roomId }, 'could not load room');
        for (const work of slot.queue.splice(0)) if (work.kind === 'command') work.reject(error);
        // A reader must not take a room it could not load for one that does not exist.
        throw error;
      })
      .finally(() => {
        slot.loading = null;
      });
    return slot.loading;
  }

  private failMissing(slot: RoomSlot): void {
    for (const work of slot.queue.splice(0))
      if (work.kind === 'command') work.reject(roomError('ROOM_NOT_FOUND', 'No such room'));
    this.slots.delete(slot.roomId);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // Everything submitted in this turn of the event loop goes into the same batch.
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.config.rooms.commitConcurrency && this.ready.size > 0) {
      const parts: BatchPart[] = [];
      for (const slot of this.ready) {
        this.ready.delete(slot);
        const part = this.prepareSafely(slot);
        if (part) parts.push(part);
        if (parts.length >= MAX_ROOMS_PER_BATCH) break;
      }
      if (parts.length === 0) break;
      this.inFlight += 1;
      void this.commit(parts).finally(() => {
        this.inFlight -= 1;
        this.schedule();
        this.notifyIdle();
      });
    }
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.inFlight === 0 && !this.scheduled) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /**
   * A bug in a game's rules must cost one room's queued actions an INTERNAL_ERROR, not the process
   * (this runs from setImmediate, where a throw would be uncaught).
   */
  private prepareSafely(slot: RoomSlot): BatchPart | null {
    try {
      return this.prepare(slot);
    } catch (error) {
      this.logger.error({ err: error, roomId: slot.roomId }, 'applying queued room work failed');
      for (const work of slot.queue.splice(0))
        if (work.kind === 'command') work.reject(roomError('INTERNAL_ERROR', 'The room could not apply this action'));
      slot.state = null; // reload from the database before anything else is applied
      slot.busy = false;
      return null;
    }
  }

  /** Applies a room's queued work to its cached state; the room stays busy until its part commits. */
  private prepare(slot: RoomSlot): BatchPart | null {
    const before = slot.state;
    if (before === null) return null;
    slot.busy = true;
    let state = before;
    const accepted: Accepted[] = [];
    const matches: MatchRecord[] = [];
    let seatsChanged = false;
    let claimed = false;
    const lookup = this.registry.lookup;

    const apply = (
      command: RoomCommand,
      actor: RoomActor,
      submission: Submission | null,
      actionId: string | null,
      fingerprint: string | null,
    ): boolean => {
      const at = Date.now();
      const outcome = applyRoomCommand(
        state,
        command,
        actor,
        { now: at, random: roomRandom(state.seed, state.seq + 1) },
        lookup,
      );
      if (!outcome.ok) {
        if (submission) this.rejectOrReplay(slot, submission, roomError(outcome.code, outcome.message), slot.version);
        return false;
      }
      const actorSeat =
        actor.kind === 'user'
          ? ((seatOfUser(outcome.state, actor.userId) ?? seatOfUser(state, actor.userId))?.seat ?? null)
          : null;
      accepted.push({
        submission,
        event: {
          seq: outcome.state.seq,
          rulesVersion: state.rulesVersion,
          type: command.type,
          actor: actor.kind === 'user' ? actor.userId : 'system',
          actorSeat,
          command,
          events: outcome.events,
          result: outcome.result,
          actionId,
          fingerprint,
          at,
          outcome: stateDelta(state, outcome.state),
        },
      });
      seatsChanged ||= outcome.seatsChanged;
      if (state.phase === 'playing' && outcome.state.phase === 'finished') {
        const engine = this.registry.forRoom(outcome.state);
        const match = engine && finishedMatch(state, outcome.state, engine, randomUUID());
        if (match) matches.push(match);
      }
      state = outcome.state;
      return true;
    };

    let taken = 0;
    while (slot.queue.length > 0 && taken < MAX_COMMANDS_PER_ROOM) {
      const work = slot.queue.shift() as Work;
      taken += 1;
      if (work.kind === 'command') {
        apply(work.command, work.actor, work, work.actionId, work.fingerprint);
        continue;
      }
      claimed ||= work.claimed;
      const now = Date.now();
      for (const deadline of roomDeadlines(state, lookup)) {
        if (deadline.at > now) break;
        this.metrics.deadlinesFired.inc({ kind: deadline.kind });
        this.metrics.deadlineLag(deadline.kind).observe((now - deadline.at) / 1000);
        if (deadline.kind === 'game') {
          apply(
            { type: 'game.timeout', deadlineId: deadline.engineDeadlineId },
            { kind: 'system' },
            null,
            `deadline:${deadline.id}`,
            null,
          );
        } else if (deadline.kind === 'away') {
          apply(
            { type: 'seat.expire', seat: deadline.seat, since: deadline.since },
            { kind: 'system' },
            null,
            `deadline:${deadline.id}`,
            null,
          );
        } else if (deadline.kind === 'empty') {
          apply(
            { type: 'room.close', atSeq: deadline.atSeq },
            { kind: 'system' },
            null,
            `deadline:${deadline.id}`,
            null,
          );
        } else {
          this.startBotTurn(slot, state, deadline.id);
        }
      }
    }
    if (accepted.length === 0) {
      slot.busy = false;
      if (claimed)
        void this.repository
          .restoreDeadline(slot.roomId, slot.version, nextRoomDeadline(state, lookup))
          .catch(() => undefined);
      this.armTimer(slot);
      if (slot.queue.length > 0) this.wake(slot);
      return null;
    }
    const deadline = nextRoomDeadline(state, lookup);
    return {
      slot,
      before,
      accepted,
      write: {
        roomId: slot.roomId,
        expectedVersion: slot.version,
        state,
        events: accepted.map((entry) => entry.event),
        nextDeadline: deadline ? { id: deadline.id, at: deadline.at } : null,
        seats: seatsChanged ? state.seats : null,
        // Written with the events, so a client that sees them finds the chat rules they bring in force.
        chat: changedRoomChat(before, state, this.registry.forRoom(state)),
        matches,
      },
    };
  }

  /**
   * A refusal is only answered once the room is known not to have moved on elsewhere. The action might be
   * a retry of one stored before this process knew the room (a restart, or another process): then the
   * rules refuse it only because it already happened, and the retry gets the first answer. Or another
   * process wrote the room after this copy was read: then the action is applied again to the fresh state.
   */
  private rejectOrReplay(slot: RoomSlot, submission: Submission, error: unknown, judgedAt: number): void {
    const stored =
      submission.actionId === null
        ? Promise.resolve(null)
        : this.repository.findEventByAction(slot.roomId, submission.actionId);
    Promise.all([stored, this.repository.roomVersion(slot.roomId)]).then(
      ([event, version]) => {
        if (event) {
          if (event.fingerprint !== submission.fingerprint)
            submission.reject(roomError('IDEMPOTENCY_KEY_REUSED', 'This actionId was used for a different action'));
          else submission.resolve({ roomId: slot.roomId, seq: event.seq, result: event.result, duplicate: true });
        } else if (version !== null && version > judgedAt && submission.attempts + 1 < MAX_ATTEMPTS) {
          submission.attempts += 1;
          // A write of this process in flight will lose its version check and reload; otherwise reload now.
          if (!slot.busy && slot.version < version) slot.state = null;
          slot.queue.push(submission);
          this.wake(slot);
        } else {
          this.metrics.roomActions.inc({ outcome: 'rejected' });
          this.metrics.gameAction(slot.state?.gameId, (error as { code?: string }).code ?? 'REJECTED').inc();
          submission.reject(error);
        }
      },
      () => submission.reject(error),
    );
  }

  /** Bots decide outside the queue (a brain may take a while); their moves come back as one command. */
  private startBotTurn(slot: RoomSlot, state: RoomState, deadlineId: string): void {
    if (slot.botDecision === deadlineId) return;
    slot.botDecision = deadlineId;
    const done = this.lifecycle.begin();
    this.bots
      .decide(state, Date.now())
      .then((moves) =>
        this.submit(
          slot.roomId,
          { type: 'bot.turn', atSeq: state.seq, moves },
          { kind: 'system' },
          `deadline:${deadlineId}`,
        ),
      )
      .catch((error: { code?: string }) => {
        if (error?.code !== 'STALE_BOT_TURN' && error?.code !== 'GAME_NOT_ACTIVE' && error?.code !== 'SHUTTING_DOWN') {
          this.logger.warn({ err: error, roomId: slot.roomId }, 'bot turn failed');
        }
      })
      .finally(() => {
        if (slot.botDecision === deadlineId) slot.botDecision = null;
        done();
        // The room may have moved on while the bots thought: look again.
        this.armTimer(slot, true);
      });
  }

  private async commit(parts: BatchPart[]): Promise<void> {
    let written: Map<string, RoomChatChange[]>;
    try {
      written = await this.repository.commitBatch(parts.map((part) => part.write));
      this.metrics.roomCommits.observe(parts.reduce((sum, part) => sum + part.accepted.length, 0));
    } catch (error) {
      await this.recover(parts, error);
      return;
    }
    for (const part of parts) {
      const chat = written.get(part.slot.roomId);
      if (chat) this.committed(part, chat);
      else this.lostRace(part);
    }
  }

  private committed(part: BatchPart, chat: RoomChatChange[]): void {
    const { slot, write } = part;
    slot.state = write.state;
    slot.version = write.state.seq;
    slot.busy = false;
    const gameId = write.state.gameId;
    const now = performance.now();
    for (const { submission, event } of part.accepted) {
      this.metrics.roomActions.inc({ outcome: 'committed' });
      if (!submission) continue;
      this.metrics.gameAction(gameId, 'OK').inc();
      this.metrics.actionLatency(gameId).observe((now - submission.receivedAt) / 1000);
      submission.resolve({ roomId: slot.roomId, seq: event.seq, result: event.result, duplicate: false });
    }
    if (write.matches.length > 0) {
      this.metrics.matchesFinished(gameId).inc(write.matches.length);
      this.publisher.matchesFinished();
    }
    try {
      this.publisher.publish(part.before, write.state, write.events, chat);
    } catch (error) {
      this.logger.error({ err: error, roomId: slot.roomId }, 'publishing a committed room update failed');
    }
    this.armTimer(slot);
    this.wake(slot);
  }

  /** Another writer got there first: reload and apply the same commands again on the fresh state. */
  private lostRace(part: BatchPart): void {
    const { slot } = part;
    slot.state = null;
    slot.busy = false;
    const retry: Work[] = [];
    for (const { submission } of part.accepted) {
      if (!submission) continue;
      submission.attempts += 1;
      if (submission.attempts >= MAX_ATTEMPTS) submission.reject(roomError('ROOM_BUSY', 'The room is busy; retry'));
      else retry.push(submission);
    }
    // Deadlines are looked at again on the fresh state.
    if (part.accepted.some((entry) => entry.submission === null)) retry.push({ kind: 'fire', claimed: false });
    slot.queue.unshift(...retry);
    this.wake(slot);
  }

  /**
   * A batch failed (most likely an action id already stored, by another process or before a restart).
   * Each room is retried alone; a room that still fails is reloaded, and its actions that turn out to be
   * stored already get their first answer.
   */
  private async recover(parts: BatchPart[], error: unknown): Promise<void> {
    if (parts.length > 1) {
      await Promise.all(parts.map((part) => this.commitAlone(part)));
      return;
    }
    const [part] = parts;
    const { slot } = part;
    this.logger.warn({ err: error, roomId: slot.roomId }, 'room write failed; reloading the room');
    slot.state = null;
    slot.busy = false;
    const retry: Work[] = [];
    for (const { submission } of part.accepted) {
      if (!submission) continue;
      const stored = submission.actionId
        ? await this.repository.findEventByAction(slot.roomId, submission.actionId).catch(() => null)
        : null;
      if (stored) {
        if (stored.fingerprint !== submission.fingerprint)
          submission.reject(roomError('IDEMPOTENCY_KEY_REUSED', 'This actionId was used for a different action'));
        else submission.resolve({ roomId: slot.roomId, seq: stored.seq, result: stored.result, duplicate: true });
        continue;
      }
      submission.attempts += 1;
      if (submission.attempts >= MAX_ATTEMPTS)
        submission.reject(roomError('ROOM_BUSY', 'The room could not be written; retry'));
      else retry.push(submission);
    }
    if (part.accepted.some((entry) => entry.submission === null)) retry.push({ kind: 'fire', claimed: false });
    slot.queue.unshift(...retry);
    this.wake(slot);
  }

  private async commitAlone(part: BatchPart): Promise<void> {
    try {
      const chat = (await this.repository.commitBatch([part.write])).get(part.slot.roomId);
      if (chat) this.committed(part, chat);
      else this.lostRace(part);
    } catch (error) {
      await this.recover([part], error);
    }
  }

  /** An in-process timer for a deadline that is close; the sweeper covers the rest, and restarts. */
  private armTimer(slot: RoomSlot, force = false): void {
    if (this.stopped || slot.state === null) return;
    // A bot turn being decided is not waited for again; its end re-arms the timer.
    const deadline = roomDeadlines(slot.state, this.registry.lookup).find(
      (candidate) => candidate.id !== slot.botDecision,
    );
    if (!deadline || deadline.at - Date.now() > LOCAL_TIMER_HORIZON_MS) {
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = null;
      return;
    }
    if (!force && slot.timer && slot.timerAt === deadline.at) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timerAt = deadline.at;
    slot.timer = setTimeout(
      () => {
        slot.timer = null;
        this.fireDue(slot.roomId);
      },
      Math.max(0, deadline.at - Date.now()),
    );
    slot.timer.unref();
  }
}
