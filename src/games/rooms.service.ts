import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { LifecycleService } from '../common/lifecycle/lifecycle.service';
import { ContentPolicyPort } from '../common/ports/content-policy.port';
import { SanctionsPort } from '../common/ports/sanctions.port';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { Caller } from '../identity/caller';
import { SocketEmitter } from '../realtime/socket-emitter.service';
import type { GameAction } from './domain/engine';
import { stateDelta } from './domain/room/room.outcome';
import { roomChat } from './domain/room/room.chat';
import { applyRoomCommand, eventView, foldRoom, roomRandom, roomView, seatOfUser } from './domain/room/room.rules';
import type {
  RoomCommand,
  RoomEventView,
  RoomSettings,
  RoomState,
  RoomView,
  RoomViewer,
  SeatHolder,
  StoredRoomEvent,
} from './domain/room/room.types';
import { EngineRegistry } from './engine-registry';
import { lobbyRoom, RoomPublisher, type LobbyRoom } from './room-publisher.service';
import { RoomRuntime, fingerprintOf } from './room-runtime.service';
import { roomError } from './rooms.errors';
import { RoomsRepository } from './rooms.repository';

export interface CreateRoomInput {
  gameId: string;
  name?: string;
  seatCount?: number;
  botFill?: boolean;
  private?: boolean;
  reconnectWindowMs?: number;
  options?: Record<string, unknown>;
  seatName?: string;
  /** false: the creator runs the room as its host without a seat (games that allow it). */
  seat?: false;
}

export interface RoomEntry {
  roomId: string;
  seat: number | null;
  inviteCode: string | null;
  view: RoomView;
}

export interface Rejoined {
  seat: number | null;
  view: RoomView;
  /** The events missed since `lastSeq`, as this viewer may see them; null when too many: use `view`. */
  events: RoomEventView[] | null;
}

export type HostCommand = Extract<
  RoomCommand,
  { type: 'bots.add' | 'bots.fill' | 'seat.kick' | 'room.configure' | 'game.start' | 'game.reset' | 'game.rematch' }
>;

/** What each host command's committed event answers, besides its seq (the room rules write these results). */
interface HostResults {
  'bots.add': { seats: number[] };
  'bots.fill': { seats: number[] };
  'seat.kick': { seat: number; userId: string | null };
  'room.configure': { settings: RoomSettings };
  'game.start': { gameNo: number };
  'game.reset': Record<never, never>;
  'game.rematch': { gameNo: number };
}
export type HostReply<C extends HostCommand> = { roomId: string; seq: number } & HostResults[C['type']];

const MAX_MISSED_EVENTS = 500;
/** Joins refused because the room is full, the caller already sits there, or the seat asked for is taken. */
const REFUSED_JOINS = new Set(['ROOM_FULL', 'ALREADY_SEATED', 'SEAT_TAKEN']);

/** What rooms do for a caller: the lobby, seats, host commands, play, watching and coming back. */
@Injectable()
export class RoomsService {
  private readonly logger = new Logger('Rooms');
  /** Presence changes of one user run in order, so a quick drop-and-return cannot be reordered. */
  private readonly presence = new Map<string, Promise<void>>();

  constructor(
    private readonly runtime: RoomRuntime,
    private readonly repository: RoomsRepository,
    private readonly registry: EngineRegistry,
    private readonly publisher: RoomPublisher,
    private readonly emitter: SocketEmitter,
    private readonly contentPolicy: ContentPolicyPort,
    private readonly sanctions: SanctionsPort,
    private readonly lifecycle: LifecycleService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  games() {
    return this.registry.ids().map((id) => {
      const engine = this.registry.get(id)!;
      return {
        gameId: id,
        minSeats: engine.minSeats,
        maxSeats: engine.maxSeats,
        defaultOptions: engine.defaultOptions,
        rulesVersion: engine.rulesVersion,
        allowsSeatlessHost: engine.allowsSeatlessHost === true,
      };
    });
  }

  async listOpen(gameId: string | null, limit = 50): Promise<LobbyRoom[]> {
    if (gameId !== null) this.engine(gameId);
    const rows = await this.repository.listOpenRooms(gameId, limit);
    return rows.map((row) => ({
      roomId: row.roomId,
      gameId: row.gameId,
      name: row.name,
      phase: row.phase,
      seated: row.seated,
      seatCount: row.seatCount,
      open: true,
    }));
  }

  subscribeLobby(caller: Caller, gameId: string, on: boolean): Promise<LobbyRoom[]> | LobbyRoom[] {
    this.engine(gameId);
    this.publisher.subscribeLobby(caller.userId, gameId, on);
    return on ? this.listOpen(gameId) : [];
  }

  /**
   * Creates a room with the caller as host, at seat 0 or, with `seat: false` in a game that allows it, in
   * no seat. The same actionId returns the same room.
   */
  async create(caller: Caller, input: CreateRoomInput, actionId: string): Promise<RoomEntry> {
    const engine = this.engine(input.gameId);
    const roomId = randomUUID();
    const name = input.name === undefined ? this.defaultName(caller, input.gameId, roomId) : input.name.trim();
    if (name === '') throw roomError('NAME_REQUIRED', 'A room needs a name');
    this.contentPolicy.assertAllowed(name, { surface: 'room_name', roomId, userId: caller.userId }, 'name');
    const holder = this.holder(caller, input.seatName, roomId);
    const settings: RoomSettings = {
      seatCount: input.seatCount ?? Math.min(engine.maxSeats, Math.max(engine.minSeats, 4)),
      botFill: input.botFill ?? false,
      reconnectWindowMs: input.reconnectWindowMs ?? this.config.rooms.reconnectWindowMs,
      botDelayMs: this.config.rooms.botDelayMs,
      kickBanMs: this.config.rooms.kickBanMs,
      game: input.options ?? {},
    };
    const command: RoomCommand = {
      type: 'room.create',
      roomId,
      gameId: input.gameId,
      name,
      visibility: input.private ? 'private' : 'public',
      seed: randomInt(0, 2 ** 31),
      settings,
      host: holder,
      ...(input.seat === false ? { seatless: true } : {}),
    };
    const at = Date.now();
    const outcome = applyRoomCommand(
      null,
      command,
      { kind: 'user', userId: caller.userId },
      { now: at, random: roomRandom(command.seed, 1) },
      this.registry.lookup,
    );
    if (!outcome.ok) throw roomError(outcome.code, outcome.message);
    const event: StoredRoomEvent = {
      seq: 1,
      rulesVersion: outcome.state.rulesVersion,
      type: 'room.create',
      actor: caller.userId,
      actorSeat: seatOfUser(outcome.state, caller.userId)?.seat ?? null,
      command,
      events: outcome.events,
      result: outcome.result,
      actionId: `${caller.userId}:${actionId}`,
      fingerprint: fingerprintOf({ gameId: input.gameId, input }),
      at,
      outcome: stateDelta(null, outcome.state),
    };
    const inviteCode = input.private ? randomBytes(6).toString('base64url') : null;
    const stored = await this.repository.createRoom(
      outcome.state,
      event,
      inviteCode,
      actionId,
      roomChat(outcome.state, engine),
    );
    if (!stored.created) {
      // A retry of this create: the first answer, unless the same actionId now asks for another room.
      const first = await this.repository.findEventByAction(stored.roomId, event.actionId!);
      if (first && first.fingerprint !== event.fingerprint)
        throw roomError('IDEMPOTENCY_KEY_REUSED', 'This actionId was used for a different action');
      const existing = await this.loadedRoom(stored.roomId);
      if (this.isSeatlessHost(existing, caller.userId)) this.publisher.followAsHost(caller.userId, stored.roomId);
      const loaded = await this.repository.loadRoom(stored.roomId);
      return {
        roomId: stored.roomId,
        seat: seatOfUser(existing, caller.userId)?.seat ?? null,
        inviteCode: loaded?.inviteCode ?? null,
        view: this.viewFor(existing, caller.userId),
      };
    }
    this.runtime.adopt(outcome.state);
    if (outcome.state.seatlessHost) this.publisher.followAsHost(caller.userId, roomId);
    this.publisher.publish(null, outcome.state, [event], stored.chat);
    return { roomId, seat: event.actorSeat, inviteCode, view: this.viewFor(outcome.state, caller.userId) };
  }

  /** Takes a seat in the fullest open room of the game, or creates one when none has a free seat. */
  async quickMatch(
    caller: Caller,
    gameId: string,
    actionId: string,
    seatName?: string,
  ): Promise<RoomEntry & { created: boolean }> {
    this.engine(gameId);
    // Run again for a key whose stored answer a crash lost: the seat it took is the answer.
    const earlier = await this.repository.seatTakenWith(caller.userId, this.key(caller, `quick:${actionId}`));
    if (earlier) {
      const room = await this.loadedRoom(earlier.roomId);
      return {
        roomId: earlier.roomId,
        seat: seatOfUser(room, caller.userId)?.seat ?? null,
        inviteCode: null,
        view: this.viewFor(room, caller.userId),
        created: earlier.created,
      };
    }
    for (const candidate of await this.repository.listOpenRooms(gameId, 5)) {
      try {
        const entry = await this.join(caller, candidate.roomId, { name: seatName }, `quick:${actionId}`);
        return { ...entry, created: false };
      } catch (error) {
        const code = (error as { code?: string }).code;
        // Another player took the last seat first, or the room started: try the next one.
        if (
          code !== 'ROOM_FULL' &&
          code !== 'ROOM_ALREADY_STARTED' &&
          code !== 'ALREADY_SEATED' &&
          code !== 'KICKED' &&
          code !== 'NAME_IN_USE'
        )
          throw error;
      }
    }
    const entry = await this.create(caller, { gameId, seatName }, `quick:${actionId}`);
    return { ...entry, created: true };
  }

  async join(
    caller: Caller,
    roomId: string,
    input: { seat?: number; name?: string; inviteCode?: string },
    actionId: string,
  ): Promise<RoomEntry> {
    // Before the seat is taken only the room's visibility matters, and it never changes: a cached copy
    // answers without a query. The seat itself is taken on the room as committed; and a refusal is only
    // decided on the stored room (another process may have seated this user already).
    let room = this.runtime.cached(roomId) ?? (await this.loadedRoom(roomId));
    if (room.visibility === 'private' && !seatOfUser(room, caller.userId)) {
      room = await this.loadedRoom(roomId);
      if (!seatOfUser(room, caller.userId)) await this.requireInvite(roomId, input.inviteCode);
    }
    await this.sanctions.assertNotKicked(caller.userId, roomId);
    const holder = this.holder(caller, input.name, roomId);
    const done = await this.runtime
      .submit(
        roomId,
        { type: 'seat.take', holder, seat: input.seat },
        { kind: 'user', userId: caller.userId },
        this.key(caller, actionId),
      )
      .catch(async (error: { code?: string }) => {
        // Quick match tries the next room on these: only a player's own join counts as refused.
        if (REFUSED_JOINS.has(error.code ?? '') && !actionId.startsWith('quick:'))
          await this.recordActivity('join_refused', error.code as string, room, caller.userId);
        throw error;
      });
    // The copy this commit left in the cache answers: reading the version again would cost each join a query.
    const state = this.runtime.cached(roomId) ?? (await this.loadedRoom(roomId));
    return { roomId, seat: done.result.seat as number, inviteCode: null, view: this.viewFor(state, caller.userId) };
  }

  async leave(
    caller: Caller,
    roomId: string,
    actionId: string,
  ): Promise<{ roomId: string; seat: number; seq: number }> {
    const done = await this.runtime.submit(
      roomId,
      { type: 'seat.leave' },
      { kind: 'user', userId: caller.userId },
      this.key(caller, actionId),
    );
    return { roomId, seat: done.result.seat as number, seq: done.seq };
  }

  /**
   * A host command. A client may name the seat it acts from; naming a seat that is not the caller's
   * (the host's, say) is refused, like any command from a non-host: identity comes from the session.
   */
  async host<C extends HostCommand>(
    caller: Caller,
    roomId: string,
    command: C,
    actionId: string,
    claimedSeat?: number,
  ): Promise<HostReply<C>> {
    const room = await this.loadedRoom(roomId);
    const own = seatOfUser(room, caller.userId);
    if (claimedSeat !== undefined && own?.seat !== claimedSeat)
      throw roomError('HOST_ONLY', 'Only the host may do this, from its own session');
    if (command.type === 'room.configure' && command.settings.game) {
      // Options are the engine's to judge; refuse early with its code.
      const merged = (this.registry.forRoom(room) ?? this.engine(room.gameId)).options({
        ...room.settings.game,
        ...command.settings.game,
      } as Partial<object>);
      if ('ok' in merged && merged.ok === false) throw roomError(merged.code, merged.message);
    }
    const done = await this.runtime.submit(
      roomId,
      command,
      { kind: 'user', userId: caller.userId },
      this.key(caller, actionId),
    );
    return { ...(done.result as HostResults[C['type']]), roomId, seq: done.seq };
  }

  /** A game action by the caller's seat, acknowledged once committed. */
  async act(
    caller: Caller,
    roomId: string,
    action: GameAction,
    actionId: string,
  ): Promise<{ roomId: string; seq: number; seat: number }> {
    if (typeof action?.type !== 'string' || action.type === '')
      throw roomError('INVALID_ACTION', 'An action has a type');
    const done = await this.runtime.submit(
      roomId,
      { type: 'game.act', action },
      { kind: 'user', userId: caller.userId },
      this.key(caller, actionId),
    );
    // A retry gets exactly the first answer (no "duplicate" flag), as Invariant 2 asks.
    return { ...(done.result as { seat: number }), roomId, seq: done.seq };
  }

  /** Watch a room: public rooms for anyone, private ones with the invite code. */
  async watch(caller: Caller, roomId: string, inviteCode?: string): Promise<RoomView> {
    const room = await this.loadedRoom(roomId);
    const seat = seatOfUser(room, caller.userId);
    if (seat) return this.viewFor(room, caller.userId);
    if (this.isSeatlessHost(room, caller.userId)) {
      this.publisher.followAsHost(caller.userId, roomId);
      return this.viewFor(room, caller.userId);
    }
    if (room.visibility === 'private') await this.requireInvite(roomId, inviteCode);
    await this.sanctions.assertNotKicked(caller.userId, roomId);
    await this.watchRoom(caller.userId, room);
    return roomView(room, this.registry.forRoom(room), 'spectator');
  }

  async unwatch(caller: Caller, roomId: string): Promise<{ roomId: string }> {
    // A seated player keeps its seat's updates and the room's chat; only spectators stop watching.
    const room = await this.runtime.current(roomId);
    if (!room || !seatOfUser(room, caller.userId)) await this.unwatchRoom(caller.userId, roomId);
    return { roomId };
  }

  /**
   * A spectator's sockets follow the room, and it is in the room's chat before the answer goes back. A
   * room followed by ROOM_MAX_SOCKETS sockets (seats, host and spectators, on every process) takes no new
   * spectator: ROOM_CROWDED. One already watching may watch again.
   */
  private async watchRoom(userId: string, room: RoomState): Promise<void> {
    const roomId = room.roomId;
    const followers = await this.publisher.followers(room);
    if (followers.length >= this.config.rooms.maxSockets && !followers.includes(userId)) {
      throw roomError(
        'ROOM_CROWDED',
        `This room already has ${followers.length} connections following it (the limit is ${this.config.rooms.maxSockets}); try again later`,
      );
    }
    this.publisher.watch(userId, roomId);
    this.publisher.chatChanged(roomId, await this.repository.watchChat(roomId, userId, true));
  }

  private async unwatchRoom(userId: string, roomId: string): Promise<void> {
    this.publisher.unwatch(userId, roomId);
    this.publisher.chatChanged(roomId, await this.repository.watchChat(roomId, userId, false));
  }

  /**
   * Coming back to a room: the caller's seat is returned to it (if it was held or handed to a bot), its
   * sockets follow the room again, and it gets the events it missed after `lastSeq` as it may see them.
   */
  async rejoin(caller: Caller, roomId: string, lastSeq = 0, inviteCode?: string): Promise<Rejoined> {
    let room = await this.loadedRoom(roomId);
    const seat = seatOfUser(room, caller.userId);
    if (seat) {
      this.publisher.joinSeatChannel(caller.userId, roomId, seat.seat);
      // The new socket's connect has already queued the return of this user's seats: wait for it (a
      // return refused as already made may not have committed yet), so the answer shows the seat back.
      await this.inOrder(caller.userId, async () => {
        const mine = seatOfUser(await this.loadedRoom(roomId), caller.userId);
        if (mine && (mine.away !== null || mine.control !== 'player')) {
          await this.runtime
            .submit(roomId, { type: 'seat.return' }, { kind: 'user', userId: caller.userId })
            .catch(() => undefined);
        }
      });
      room = await this.loadedRoom(roomId);
      await this.recordActivity('reconnect', 'succeeded', room, caller.userId);
    } else if (this.isSeatlessHost(room, caller.userId)) {
      this.publisher.followAsHost(caller.userId, roomId);
    } else {
      // Someone who held a seat here and comes back without it: its seat went (window passed, game over).
      if ((await this.repository.seatTakenAt(roomId, caller.userId)) !== Number.MAX_SAFE_INTEGER)
        await this.recordActivity('reconnect', 'failed', room, caller.userId);
      if (room.visibility === 'private') await this.requireInvite(roomId, inviteCode);
      await this.sanctions.assertNotKicked(caller.userId, roomId);
      await this.watchRoom(caller.userId, room);
    }
    const viewer = this.viewerOf(room, caller.userId);
    const missed = lastSeq >= room.seq ? [] : await this.repository.eventsAfter(roomId, lastSeq, MAX_MISSED_EVENTS + 1);
    const asViewer = await this.historyViewer(roomId, caller.userId, viewer);
    const events =
      missed.length > MAX_MISSED_EVENTS ? null : missed.map((event) => eventView(event, asViewer(event.seq)));
    return { seat: seat?.seat ?? null, view: roomView(room, this.registry.forRoom(room), viewer), events };
  }

  /** The room as the caller may see it (REST detail). */
  async detail(caller: Caller, roomId: string, inviteCode?: string): Promise<RoomView> {
    const room = await this.loadedRoom(roomId);
    if (this.viewerOf(room, caller.userId) === 'spectator' && room.visibility === 'private')
      await this.requireInvite(roomId, inviteCode);
    return this.viewFor(room, caller.userId);
  }

  /** The room's events after `afterSeq`, filtered for the caller's seat (or as a spectator sees them). */
  async events(
    caller: Caller,
    roomId: string,
    afterSeq: number,
    limit: number,
    inviteCode?: string,
  ): Promise<{ roomId: string; events: RoomEventView[] }> {
    const room = await this.loadedRoom(roomId);
    const viewer = this.viewerOf(room, caller.userId);
    if (viewer === 'spectator' && room.visibility === 'private') await this.requireInvite(roomId, inviteCode);
    const stored = await this.repository.eventsAfter(roomId, afterSeq, limit);
    const asViewer = await this.historyViewer(roomId, caller.userId, viewer);
    return { roomId, events: stored.map((event) => eventView(event, asViewer(event.seq))) };
  }

  /**
   * Whose eyes a past event is seen through. Seat audiences are seat numbers, and a seat may have had
   * other holders before the caller (in an earlier game, or before a reset): events from before the
   * caller took its seat are shown as a spectator saw them, so a new holder never reads its predecessor's
   * role or choices. The seatless host has been the host since the room was made.
   */
  private async historyViewer(
    roomId: string,
    userId: string,
    viewer: RoomViewer,
  ): Promise<(seq: number) => RoomViewer> {
    if (typeof viewer !== 'number') return () => viewer;
    const since = await this.repository.seatTakenAt(roomId, userId);
    return (seq) => (seq >= since ? viewer : 'spectator');
  }

  /**
   * Rebuilds the room from its stored events alone (audit, replay, and the proof that state = fold of
   * events): the fold of their stored outcomes, whatever the rules and the content policy say today.
   */
  async replay(roomId: string): Promise<RoomState> {
    const events = await this.repository.eventsAfter(roomId, 0, 1_000_000);
    if (events.length === 0) throw roomError('ROOM_NOT_FOUND', 'No such room');
    return foldRoom(events, this.registry.legacyLookup);
  }

  /**
   * A moderator's kick: the user loses its seat, or stops watching. The room adds no ban of its own
   * (banMs 0): the moderation sanction keeps the user out until it expires or is revoked.
   */
  async removeSanctioned(roomId: string, userId: string, sanctionId: string | null): Promise<void> {
    const room = await this.runtime.current(roomId);
    if (!room) return;
    const seat = seatOfUser(room, userId);
    if (!seat) return this.unwatchRoom(userId, roomId);
    await this.runtime.submit(
      roomId,
      { type: 'seat.kick', seat: seat.seat, banMs: 0 },
      { kind: 'system' },
      sanctionId ? `moderation:${sanctionId}` : null,
    );
  }

  lobbyEntry(state: RoomState): LobbyRoom {
    return lobbyRoom(state);
  }

  /** A new socket: its seats' channels follow it, and seats held for it are played by it again. */
  onConnect(caller: Caller): void {
    void this.inOrder(caller.userId, async () => {
      for (const roomId of await this.repository.seatedRoomIds(caller.userId)) {
        const room = await this.runtime.current(roomId);
        const seat = room && seatOfUser(room, caller.userId);
        if (!seat) continue;
        this.publisher.joinSeatChannel(caller.userId, roomId, seat.seat);
        if (seat.away !== null || seat.control !== 'player') {
          await this.runtime
            .submit(roomId, { type: 'seat.return' }, { kind: 'user', userId: caller.userId })
            .catch(() => undefined);
        }
      }
    });
  }

  /** The user's last socket closed: each of its seats is held for the reconnect window. A restart is not a drop. */
  onDisconnect(caller: Pick<Caller, 'userId'>): void {
    if (this.lifecycle.draining) return;
    void this.inOrder(caller.userId, async () => {
      if (this.lifecycle.draining || (await this.emitter.isConnected(caller.userId))) return;
      for (const roomId of await this.repository.seatedRoomIds(caller.userId)) {
        await this.runtime
          .submit(roomId, { type: 'seat.drop' }, { kind: 'user', userId: caller.userId })
          .catch(() => undefined);
      }
    });
  }

  /** Runs after this user's earlier presence changes; the promise settles when this one has (never rejects). */
  private inOrder(userId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.presence.get(userId) ?? Promise.resolve();
    // In-flight work: shutdown waits for it before it closes the pool under its queries.
    const done = this.lifecycle.begin();
    const next = previous
      .then(work)
      .catch((error) => {
        if (!this.lifecycle.draining) this.logger.warn({ err: error, userId }, 'presence change failed');
      })
      .finally(() => {
        done();
        if (this.presence.get(userId) === next) this.presence.delete(userId);
      });
    this.presence.set(userId, next);
    return next;
  }

  /** Activity is kept for the KPIs; failing to keep it must not fail the player's request. */
  private async recordActivity(
    kind: 'join_refused' | 'reconnect',
    code: string,
    room: RoomState,
    userId: string,
  ): Promise<void> {
    await this.repository
      .recordActivity(kind, code, { roomId: room.roomId, gameId: room.gameId }, userId)
      .catch((error) => this.logger.warn({ err: error, roomId: room.roomId }, 'room activity not recorded'));
  }

  /**
   * The name of a room its creator did not name: after the creator, unless the policy refuses that (a
   * display name can read as another word once "'s" follows it), then after the game alone. Only a name
   * the player wrote is refused.
   */
  private defaultName(caller: Caller, gameId: string, roomId: string): string {
    const after = `${caller.displayName}'s ${gameId}`.trim();
    const check = { surface: 'room_name' as const, roomId, userId: caller.userId };
    return this.contentPolicy.check(after, check).allowed ? after : `A ${gameId} room`;
  }

  private engine(gameId: string) {
    const engine = this.registry.get(gameId);
    if (!engine)
      throw roomError('UNKNOWN_GAME', `There is no game ${gameId}; games: ${this.registry.ids().join(', ')}`);
    return engine;
  }

  private async loadedRoom(roomId: string): Promise<RoomState> {
    const room = await this.runtime.current(roomId);
    if (!room) throw roomError('ROOM_NOT_FOUND', 'No such room');
    return room;
  }

  private async requireInvite(roomId: string, inviteCode: string | undefined): Promise<void> {
    const owner = inviteCode ? await this.repository.findRoomIdByInvite(inviteCode) : null;
    if (owner !== roomId) throw roomError('INVITE_REQUIRED', 'This room is private: send its invite code');
  }

  private holder(caller: Caller, name: string | undefined, roomId: string): SeatHolder {
    const seatName = (name ?? caller.displayName).trim();
    if (seatName === '') throw roomError('NAME_REQUIRED', 'A seat needs a name');
    this.contentPolicy.assertAllowed(seatName, { surface: 'display_name', roomId, userId: caller.userId }, 'name');
    return {
      userId: caller.userId,
      ownerId: caller.ownerId ?? caller.userId,
      kind: caller.kind === 'agent' ? 'agent' : 'human',
      name: seatName,
    };
  }

  private isSeatlessHost(room: RoomState, userId: string): boolean {
    return room.seatlessHost && room.hostUserId === userId && !seatOfUser(room, userId);
  }

  /** A seat holder sees its seat's view, the seatless host the host's, anyone else a spectator's. */
  private viewerOf(room: RoomState, userId: string): RoomViewer {
    const seat = seatOfUser(room, userId);
    if (seat) return seat.seat;
    return this.isSeatlessHost(room, userId) ? 'host' : 'spectator';
  }

  private viewFor(room: RoomState, userId: string): RoomView {
    return roomView(room, this.registry.forRoom(room), this.viewerOf(room, userId));
  }

  /** Client action ids are the caller's own: stored per user so two players' ids never collide. */
  private key(caller: Caller, actionId: string): string {
    return `${caller.userId}:${actionId}`;
  }
}
