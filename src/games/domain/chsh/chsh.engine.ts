import { reject, type GameEngine, type Rejection } from '../engine';

/**
 * The room of a CHSH session. A session is a room run by a seatless host (the teacher) whose players are
 * teams, not seats: a lecture hall's hundred teams are more than a room's seats, they form and re-form
 * while the session runs, and each team's rounds are its own. So the room gives the session its id, its
 * host, its seed and the host's channel, and the session itself (mode, start, pause, rounds, answers) runs
 * in the chsh module (src/chsh) on its own rows. The room's own game has nothing to play.
 */
export type ChshRoomOptions = Record<string, never>;

export const chshRoomEngine: GameEngine<null, ChshRoomOptions> = {
  id: 'chsh',
  rulesVersion: 1,
  minSeats: 1,
  maxSeats: 1,
  allowsSeatlessHost: true,
  defaultOptions: {},
  options(input): ChshRoomOptions | Rejection {
    const keys = Object.keys(input ?? {});
    return keys.length === 0 ? {} : reject('INVALID_OPTIONS', 'A CHSH session is configured with chsh:configure');
  },
  start: () => ({ ok: true, state: null, events: [] }),
  seats: () => [],
  phase: () => 'session',
  phases: {},
  timeout: () => reject('STALE_DEADLINE', 'A CHSH room has no deadlines'),
  deadline: () => null,
  view: () => ({ game: 'chsh' }),
  pendingSeats: () => [],
  isOver: () => false,
  result: () => null,
  botAction: () => null,
};
