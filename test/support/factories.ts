import type { Type } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RoomsService, type CreateRoomInput, type RoomEntry } from '../../src/games/rooms.service';
import type { Caller } from '../../src/identity/caller';
import { IdentityService } from '../../src/identity/identity.service';
import type { Role } from '../../src/identity/caller';
import { ConversationsService } from '../../src/messaging/conversations.service';
import { createTestApp, type TestApp } from './test-app';

/** A signed-in user: the caller the services take, with the token its sockets and REST calls would use. */
export interface TestUser extends Caller {
  token: string;
}

/**
 * The service-level test layer: Arena on this file's own database, and factories that make the things a
 * story starts from (users, rooms, conversations) through the services themselves, so a test reads as
 * what happens rather than as a chain of socket calls. Socket and REST tests of the edges stay in e2e/.
 */
export interface World {
  arena: TestApp;
  /** A provider of the running application. */
  get<T>(type: Type<T>): T;
  newUser(options?: { displayName?: string; role?: Role; registered?: boolean }): Promise<TestUser>;
  newRoom(host: TestUser, input?: Partial<CreateRoomInput>): Promise<RoomEntry>;
  newConversation(owner: TestUser, members: TestUser[], title?: string): Promise<string>;
  close(): Promise<void>;
}

export async function newWorld(env: Record<string, string> = {}): Promise<World> {
  const arena = await createTestApp(env);
  const get = <T>(type: Type<T>): T => arena.app.get(type, { strict: false });
  const identity = get(IdentityService);
  let users = 0;

  const signIn = async (token: string): Promise<TestUser> => {
    const caller = await identity.authenticate(token);
    if (!caller) throw new Error('a fresh session did not authenticate');
    return { ...caller, token };
  };

  return {
    arena,
    get,
    async newUser({ displayName = `User ${++users}`, role, registered = role !== undefined } = {}) {
      if (!registered) return signIn((await identity.signInGuest(displayName)).token);
      const username = `u${randomUUID().replaceAll('-', '').slice(0, 20)}`;
      await identity.register(username, 'correct horse battery', displayName);
      if (role && role !== 'player') await identity.grantRole(username, role);
      // Signed in after the role change, so the session carries the role.
      return signIn((await identity.login(username, 'correct horse battery')).token);
    },
    newRoom(host, input = {}) {
      return get(RoomsService).create(host, { gameId: 'roast', ...input }, randomUUID());
    },
    async newConversation(owner, members, title = 'Group') {
      const group = await get(ConversationsService).createGroup(
        owner,
        title,
        members.map((member) => member.userId),
      );
      return group.id;
    },
    close: () => arena.close(),
  };
}
