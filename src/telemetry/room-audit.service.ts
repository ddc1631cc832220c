import { Injectable } from '@nestjs/common';
import { canonicalJson } from '../common/idempotency/idempotency.service';
import { foldRoom, roomView } from '../games/domain/room/room.rules';
import type { RoomState, RoomView, StoredRoomEvent } from '../games/domain/room/room.types';
import { EngineRegistry } from '../games/engine-registry';
import { toStored } from '../games/rooms.repository';
import { telemetryError } from './telemetry.errors';
import { TelemetryRepository } from './telemetry.repository';

/** Events are read this many at a time: a room of any length is exported and folded in constant memory. */
export const EVENT_PAGE = 500;

export interface ReplayedRoom {
  roomId: string;
  seq: number;
  state: RoomState;
  /** What each viewer saw right after event `seq`: every seat, the spectators, and the seatless host. */
  views: { seats: Array<{ seat: number; view: RoomView }>; spectator: RoomView; host: RoomView | null };
}

export interface RoomMismatch {
  roomId: string;
  version: number;
  /** Why the fold is not the snapshot: a differing state, or an event that does not fold. */
  problem: string;
}

export interface VerifyReport {
  rooms: number;
  events: number;
  mismatches: RoomMismatch[];
}

/** One exported line: the stored event whole, as moderators and developers need it for audit and replay. */
const exportLine = (event: StoredRoomEvent) =>
  `${JSON.stringify({
    seq: event.seq,
    rulesVersion: event.rulesVersion,
    type: event.type,
    actor: event.actor,
    actorSeat: event.actorSeat,
    actionId: event.actionId,
    at: new Date(event.at).toISOString(),
    command: event.command,
    events: event.events,
    result: event.result,
    outcome: event.outcome,
  })}\n`;

/** Room export, replay and the check that every stored room is the fold of its events. */
@Injectable()
export class RoomAuditService {
  constructor(
    private readonly repository: TelemetryRepository,
    private readonly registry: EngineRegistry,
  ) {}

  /** The room's events as NDJSON lines, page by page, oldest first. */
  async *exportLines(roomId: string): AsyncGenerator<string> {
    if (!(await this.repository.snapshot(roomId))) throw telemetryError('ROOM_NOT_FOUND', 'No such room');
    let after = 0;
    for (;;) {
      const page = await this.repository.eventPage(roomId, after, EVENT_PAGE);
      if (page.length === 0) return;
      yield page.map((row) => exportLine(toStored(row))).join('');
      after = page[page.length - 1].seq;
      if (page.length < EVENT_PAGE) return;
    }
  }

  /** The room after event `seq`, folded from its stored events, and every viewer's view of it. */
  async replay(roomId: string, seq: number): Promise<ReplayedRoom> {
    const stored = await this.repository.snapshot(roomId);
    if (!stored) throw telemetryError('ROOM_NOT_FOUND', 'No such room');
    if (seq < 1 || seq > stored.version)
      throw telemetryError('SEQ_OUT_OF_RANGE', `seq must be from 1 to ${stored.version}`, { last: stored.version });
    const state = await this.fold(roomId, seq);
    const engine = this.registry.forRoom(state);
    return {
      roomId,
      seq,
      state,
      views: {
        seats: state.seats.map((seat) => ({ seat: seat.seat, view: roomView(state, engine, seat.seat) })),
        spectator: roomView(state, engine, 'spectator'),
        host: state.seatlessHost ? roomView(state, engine, 'host') : null,
      },
    };
  }

  /**
   * Folds every stored room's events up to its snapshot's version and compares the result with the
   * snapshot, key order aside. A room written meanwhile is compared at the version read first.
   */
  async verifyAll(onRoom?: (roomId: string, ok: boolean) => void): Promise<VerifyReport> {
    const report: VerifyReport = { rooms: 0, events: 0, mismatches: [] };
    let after: string | null = null;
    for (;;) {
      const rooms = await this.repository.roomPage(after, 200);
      if (rooms.length === 0) return report;
      for (const { id } of rooms) {
        const mismatch = await this.verifyRoom(id, report);
        if (mismatch) report.mismatches.push(mismatch);
        report.rooms += 1;
        onRoom?.(id, mismatch === null);
      }
      after = rooms[rooms.length - 1].id;
    }
  }

  private async verifyRoom(roomId: string, report: VerifyReport): Promise<RoomMismatch | null> {
    const stored = await this.repository.snapshot(roomId);
    if (!stored) return null; // deleted meanwhile
    try {
      const folded = await this.fold(roomId, stored.version);
      report.events += stored.version;
      if (canonicalJson(JSON.parse(JSON.stringify(folded))) === canonicalJson(stored.state)) return null;
      return { roomId, version: stored.version, problem: 'the fold of its events differs from its snapshot' };
    } catch (error) {
      return { roomId, version: stored.version, problem: (error as Error).message };
    }
  }

  private async fold(roomId: string, upTo: number): Promise<RoomState> {
    let state: RoomState | null = null;
    let after = 0;
    while (after < upTo) {
      const page = await this.repository.eventPage(roomId, after, Math.min(EVENT_PAGE, upTo - after));
      if (page.length === 0) break;
      state = foldRoom(page.map(toStored), this.registry.legacyLookup, state);
      after = page[page.length - 1].seq;
    }
    if (state === null || state.seq !== upTo) throw new Error(`events end at ${after}, the snapshot is at ${upTo}`);
    return state;
  }
}
