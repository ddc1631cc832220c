import type { TeamCreated, TeamJoined, TeamLeft, TeamList, TeamUpdate, TeamView } from '../teams/teams.types';
import type { Ack } from './ack';

export type { TeamCreated, TeamJoined, TeamLeft, TeamList, TeamUpdate, TeamView };

/** Teams of a session over Socket.IO (docs/protocol-teams.md). Every event is acknowledged. */
export interface TeamsClientEvents {
  /** Creates a team (you in slot 1), or reactivates the session's inactive team of that name. */
  'team:create': (payload: { actionId: string; sessionId: string; name: string }, ack: Ack<TeamCreated>) => void;
  'team:join': (payload: { actionId: string; teamId: string }, ack: Ack<TeamJoined>) => void;
  'team:leave': (payload: { actionId: string; teamId: string }, ack: Ack<TeamLeft>) => void;
  'team:list': (payload: { sessionId: string }, ack: Ack<TeamList>) => void;
  'team:get': (payload: { teamId: string }, ack: Ack<TeamView>) => void;
}

export interface TeamsServerEvents {
  /** A committed change of a team you are (or just were) in, or of a team of the session you host. */
  'team:update': (payload: TeamUpdate) => void;
}
