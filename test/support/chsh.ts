import type { Socket } from 'socket.io-client';
import type { ChshReport, ChshRoundOpened, ChshRoundResult, ChshItem } from '../../src/protocol/chsh.protocol';
import type { TeamUpdate } from '../../src/protocol/teams.protocol';
import { collect, player, type Player } from './chat';
import { aid, ok } from './rooms';
import type { AckReply } from '../../src/protocol';
import type { ClientEvent } from '../../src/realtime/on-event.decorator';
import type { TestApp } from './test-app';

/** A player of a CHSH session with its socket and everything CHSH told it. */
export interface ChshPlayer extends Player {
  socket: Socket;
  rounds: ChshRoundOpened[];
  results: ChshRoundResult[];
}

export interface ChshSession {
  sessionId: string;
  host: Player;
  dashboard: Socket;
  reports: Array<{ at: number; report: ChshReport }>;
  teamUpdates: TeamUpdate[];
}

/** A CHSH room with its seatless host's dashboard connection, hearing team changes and dashboard updates. */
export async function chshSession(arena: TestApp, reconnectWindowMs = 60_000): Promise<ChshSession> {
  const host = await player(arena, 'Teacher');
  const dashboard = await arena.socket(host.token);
  const reports: ChshSession['reports'] = [];
  dashboard.on('chsh:dashboard', (report: ChshReport) => reports.push({ at: Date.now(), report }));
  const teamUpdates = collect<TeamUpdate>(dashboard, 'team:update');
  const { roomId } = await ok(dashboard, 'room:create', {
    actionId: aid(),
    gameId: 'chsh',
    seat: false,
    reconnectWindowMs,
  });
  return { sessionId: roomId, host, dashboard, reports, teamUpdates };
}

export async function chshPlayer(arena: TestApp, name: string): Promise<ChshPlayer> {
  const person = await player(arena, name);
  const socket = await arena.socket(person.token);
  return {
    ...person,
    socket,
    rounds: collect<ChshRoundOpened>(socket, 'chsh:round'),
    results: collect<ChshRoundResult>(socket, 'chsh:result'),
  };
}

/** Two players forming a team by name. */
export async function chshTeam(arena: TestApp, sessionId: string, name: string): Promise<[ChshPlayer, ChshPlayer]> {
  const [first, second] = await Promise.all([chshPlayer(arena, `${name} 1`), chshPlayer(arena, `${name} 2`)]);
  const team = await ok(first.socket, 'team:create', { actionId: aid(), sessionId, name });
  await ok(second.socket, 'team:join', { actionId: aid(), teamId: team.teamId });
  return [first, second];
}

export const hostDo = (session: ChshSession, event: 'chsh:start' | 'chsh:pause' | 'chsh:resume' | 'chsh:restart') =>
  ok(session.dashboard, event, { actionId: aid(), sessionId: session.sessionId });

/** Asks with a generous time limit: on a loaded machine, a hundred players' first answers queue for the pool. */
export async function okSlow<T = any>(socket: Socket, event: ClientEvent, payload: unknown): Promise<T> {
  const reply = (await socket.timeout(30_000).emitWithAck(event, payload)) as AckReply<T>;
  if (!reply.ok) throw new Error(`${event} ${JSON.stringify(payload)} failed: ${JSON.stringify(reply)}`);
  return reply.data;
}

/**
 * A player answering each round it is given, as soon as it is pushed (`chsh:round`, its own item), until it
 * has answered round number `rounds`. A round told of before the loop began is read once with `chsh:state`.
 */
export async function playRounds(
  sessionId: string,
  who: ChshPlayer,
  rounds: number,
  answerOf: (item: ChshItem, round: number) => boolean = () => true,
): Promise<void> {
  let last = 0;
  const answer = async (round: number, item: ChshItem) => {
    await okSlow(who.socket, 'chsh:answer', {
      actionId: aid('ans'),
      sessionId,
      round,
      item,
      answer: answerOf(item, round),
    });
    last = round;
  };
  const state = await okSlow(who.socket, 'chsh:state', { sessionId });
  if (state.round && !state.round.answered) await answer(state.round.round, state.round.item);
  else if (state.round) last = state.round.round;
  while (last < rounds) {
    const next = who.rounds.find((round) => round.round > last);
    if (next) {
      await answer(next.round, next.item);
      continue;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        who.socket.off('chsh:round', done);
        resolve();
      };
      const timer = setTimeout(done, 1000);
      who.socket.once('chsh:round', done);
    });
  }
}
