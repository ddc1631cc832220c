import { Client } from 'pg';
import type { Socket } from 'socket.io-client';
import type { Role } from '../../src/identity/caller';
import { IdentityService } from '../../src/identity/identity.service';
import type { TestApp } from './test-app';

export interface Account {
  token: string;
  userId: string;
  username: string;
}

let accounts = 0;

/** A registered user (with a role granted through the same service the CLI uses). */
export async function account(arena: TestApp, role: Role = 'player', prefix = 'user'): Promise<Account> {
  const username = `${prefix}_${++accounts}_${process.pid}`;
  const password = 'a long enough password';
  const registered = await arena
    .http()
    .post('/auth/register')
    .send({ username, password, displayName: `Member ${accounts}` })
    .expect(201);
  if (role !== 'player') await arena.app.get(IdentityService).grantRole(username, role);
  return { token: registered.body.token as string, userId: registered.body.user.id as string, username };
}

export async function guestAccount(arena: TestApp, displayName?: string): Promise<Account> {
  const response = await arena
    .http()
    .post('/auth/guest')
    .send({ displayName: displayName ?? `Guest ${++accounts}` })
    .expect(201);
  return { token: response.body.token as string, userId: response.body.user.id as string, username: '' };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Runs SQL straight against the file's database, as the app role does. */
export async function sql<T = Record<string, unknown>>(
  arena: TestApp,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: arena.databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The handshake's refusal for this token. */
export function refusedHandshake(
  arena: TestApp,
  token: string,
): Promise<Error & { data?: { code: string; details?: { expiresAt: string | null } } }> {
  const socket = arena.rawSocket({ token });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('the handshake was accepted')));
    socket.once('connect_error', resolve);
    socket.connect();
  });
}

/** Resolves when the socket is disconnected by the server. */
export function disconnected(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    if (!socket.connected) return resolve('already disconnected');
    socket.once('disconnect', (reason) => resolve(reason));
  });
}

/** Waits until the clock has passed this ISO time (sanctions expire by the clock alone). */
export async function pastTime(iso: string): Promise<void> {
  const wait = Date.parse(iso) - Date.now() + 50;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
