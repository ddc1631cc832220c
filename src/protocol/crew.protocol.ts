import type {
  CrewDeadline,
  CrewMeeting,
  CrewMeetingRecord,
  CrewRole,
  CrewFinishReason,
} from '../games/domain/crew/crew.types';

export type {
  CrewDeath,
  CrewDeadline,
  CrewFinishReason,
  CrewKillRecord,
  CrewMeeting,
  CrewMeetingReason,
  CrewMeetingRecord,
  CrewOptions,
  CrewPhase,
  CrewRole,
  CrewSeatView,
  CrewView,
  CrewVote,
  CrewYouView,
} from '../games/domain/crew/crew.types';
export type { CrewChatAccess, CrewChatChannel } from '../games/domain/crew/crew.view';

/** What a Crew seat may send as `game:action`'s `action` (see docs/protocol-rooms.md, "Crew"). */
export type CrewAction =
  | { type: 'task' }
  | { type: 'kill'; seat: number }
  | { type: 'meeting' }
  | { type: 'vote'; seat: number }
  | { type: 'skip' };

/** Crew's game events (in `RoomEventView.events`), by type: each payload as the audience named sees it. */
export interface CrewGameEvents {
  /** Public: the seats, how many impostors, each crew seat's task count. */
  roles_dealt: { seats: number[]; impostorCount: number; tasksPerCrew: number };
  /** Only to the seat concerned; the impostors learn each other. */
  role_assigned: { role: 'impostor'; impostors: number[] } | { role: 'crew'; tasks: number };
  tasks_started: { round: number; deadline: CrewDeadline };
  /** Only to the crew seat that did it: its own count of tasks done. */
  task_done: { round: number; done: number };
  /** Public, without the killer. */
  seat_killed: { round: number; seat: number };
  meeting_called: CrewMeeting & { deadline: CrewDeadline };
  /** Public: that a seat voted (or skipped), not how. */
  vote_cast: { round: number; seat: number };
  meeting_resolved: CrewMeetingRecord;
  game_finished: {
    winner: CrewRole;
    reason: CrewFinishReason;
    roles: Record<number, CrewRole>;
    kills: { round: number; killer: number; victim: number }[];
  };
}
