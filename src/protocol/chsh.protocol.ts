import type {
  ChshAnswered,
  ChshPlayerView,
  ChshReport,
  ChshRoundOpened,
  ChshRoundResult,
  ChshStatusChanged,
} from '../chsh/chsh.types';
import type { ChshItem, ChshMode } from '../games/domain/chsh/chsh.types';
import type { Ack } from './ack';

export type {
  ChshAnswered,
  ChshItem,
  ChshMode,
  ChshPlayerView,
  ChshReport,
  ChshRoundOpened,
  ChshRoundResult,
  ChshStatusChanged,
};

type HostControl = { actionId: string; sessionId: string };

/** CHSH sessions over Socket.IO (docs/protocol-teams.md). Every event is acknowledged. */
export interface ChshClientEvents {
  /** Host only: the mode, before the start. */
  'chsh:configure': (payload: HostControl & { mode: ChshMode }, ack: Ack<ChshStatusChanged>) => void;
  'chsh:start': (payload: HostControl, ack: Ack<ChshStatusChanged>) => void;
  'chsh:pause': (payload: HostControl, ack: Ack<ChshStatusChanged>) => void;
  'chsh:resume': (payload: HostControl, ack: Ack<ChshStatusChanged>) => void;
  /** Clears the rounds and answers, keeps the teams; back to setup. */
  'chsh:restart': (payload: HostControl, ack: Ack<ChshStatusChanged>) => void;
  /** Host and moderators: the statistics now (the dashboard's `chsh:dashboard`, on demand). */
  'chsh:report': (payload: { sessionId: string }, ack: Ack<ChshReport>) => void;
  /** A player: the session's status and its own item of the open round. */
  'chsh:state': (payload: { sessionId: string }, ack: Ack<ChshPlayerView>) => void;
  /** Acknowledged after commit, once per actionId. */
  'chsh:answer': (
    payload: { actionId: string; sessionId: string; round: number; item: ChshItem; answer: boolean },
    ack: Ack<ChshAnswered>,
  ) => void;
}

export interface ChshServerEvents {
  /** To the host and every team member: the session started, paused, resumed, restarted or changed mode. */
  'chsh:status': (payload: ChshStatusChanged) => void;
  /** To one player: a round opened for its team, with its own item. */
  'chsh:round': (payload: ChshRoundOpened) => void;
  /** To both partners once both answered: the whole round. */
  'chsh:result': (payload: ChshRoundResult) => void;
  /** To the host's dashboard, at most two a second: every team's statistics and the pooled ones. */
  'chsh:dashboard': (payload: ChshReport) => void;
}
