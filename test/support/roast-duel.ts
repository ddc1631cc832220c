import type { Socket } from 'socket.io-client';
import { aid, ok, UpdateLog } from './rooms';

/** A one-round roast of two players, brought to its last move: the second vote, which finishes the game. */
export async function duelToLastVote(host: Socket, guest: Socket): Promise<{ roomId: string; lastVote: object }> {
  const options = { rounds: 1, roundMs: 60_000, votingMs: 60_000, intermissionMs: 20 };
  const { roomId } = await ok(host, 'room:create', { actionId: aid(), gameId: 'roast', seatCount: 2, options });
  await ok(guest, 'room:join', { actionId: aid(), roomId });
  const log = new UpdateLog(host);
  await ok(host, 'room:start', { actionId: aid(), roomId });
  const roast = (socket: Socket, text: string) =>
    ok(socket, 'game:action', { actionId: aid(), roomId, action: { type: 'roast', text } });
  await roast(host, 'Your wifi has more personality than you do.');
  await roast(guest, 'You bring a spoon to a knife fight and lose the spoon.');
  await log.until((u) => u.roomId === roomId && (u.view.game as { phase?: string })?.phase === 'voting');
  await ok(host, 'game:action', { actionId: aid(), roomId, action: { type: 'vote', seat: 1 } });
  return { roomId, lastVote: { actionId: aid('last'), roomId, action: { type: 'vote', seat: 0 } } };
}
