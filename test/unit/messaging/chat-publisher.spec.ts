import { ChatPublisher } from '../../../src/messaging/chat.publisher';
import type { ChatMessage } from '../../../src/messaging/messaging.types';
import type { SocketEmitter } from '../../../src/realtime/socket-emitter.service';

/** A SocketEmitter that writes down what it was asked to send, in order. */
function recordingEmitter(log: string[], packedSockets: string[] = []): SocketEmitter {
  const seqs = (payload: unknown) =>
    'messages' in (payload as object)
      ? (payload as { messages: ChatMessage[] }).messages.map((m) => m.seq).join(',')
      : String((payload as Partial<ChatMessage>).seq ?? '');
  return {
    toRoom: (rooms: string | string[], event: string, payload: unknown) =>
      log.push(`${[rooms].flat().join('+')} ${event} ${seqs(payload)}`),
    toRoomExcept: (rooms: string | string[], except: string | string[], event: string, payload: unknown) =>
      log.push(`${[rooms].flat().join('+')} but ${[except].flat().join(',')} ${event} ${seqs(payload)}`),
    toSocketInRoom: (socketId: string, _rooms: string[], event: string, payload: unknown) =>
      log.push(`socket ${socketId} ${event} ${seqs(payload)}`),
    socketDeclared: (socketId: string) => packedSockets.includes(socketId),
    leaveUserSockets: (userId: string, rooms: string[]) => log.push(`${userId} leaves ${rooms.join('+')}`),
  } as unknown as SocketEmitter;
}

const message = (seq: number): ChatMessage => ({
  id: `m${seq}`,
  conversationId: 'c',
  seq,
  senderId: 'u',
  clientMsgId: `k${seq}`,
  body: 'b',
  sentAt: '',
});

describe('ChatPublisher', () => {
  it("sends a commit's messages together once the work in hand is done, tailored to each sending socket", async () => {
    const log: string[] = [];
    const publisher = new ChatPublisher(recordingEmitter(log, ['a']));
    publisher.message(message(1), 'a');
    publisher.message(message(2), 'b');
    publisher.message(message(3));
    expect(log).toEqual([]);

    await new Promise((resolve) => process.nextTick(resolve));
    expect(log).toEqual([
      'conv:c but a,b chat:messages 1,2,3',
      'conv1:c but a,b chat:message 1',
      'conv1:c but a,b chat:message 2',
      'conv1:c but a,b chat:message 3',
      'socket a chat:messages 2,3',
      'socket b chat:message 1', // b did not declare packed delivery
      'socket b chat:message 3',
    ]);
  });

  it("sends a conversation's waiting messages before its membership changes", () => {
    const log: string[] = [];
    const publisher = new ChatPublisher(recordingEmitter(log));
    publisher.message(message(1));
    publisher.memberLeft('c', 'u2');
    expect(log).toEqual([
      'conv:c+conv1:c but  chat:message 1',
      'conv:c+conv1:c chat:member-left ',
      'u2 leaves conv:c+conv1:c',
    ]);
  });
});
