import WebSocket from 'ws';

/**
 * A minimal Socket.IO client (Engine.IO 4 over WebSocket, default namespace) for the load generator:
 * it parses acknowledgements and answers pings; a server event is decoded only if a handler is
 * registered for its name (read from the packet text before any parsing), others are only counted,
 * so the load process spends its time sending, not parsing, and the servers' figures are not capped by
 * the client. Speaks the same wire protocol as socket.io-client.
 */
export class LeanSocket {
  /** Server events received, handled or not. */
  received = 0;
  private nextId = 0;
  private readonly acks = new Map<number, { resolve: (reply: unknown) => void; reject: (error: Error) => void }>();
  private readonly handlers = new Map<string, (...args: unknown[]) => void>();

  private constructor(private readonly ws: WebSocket) {
    // A lost connection would otherwise leave its callers waiting for acks forever.
    ws.on('close', () => {
      for (const pending of this.acks.values()) pending.reject(new Error('the socket closed before the ack'));
      this.acks.clear();
    });
  }

  static connect(url: string, auth?: Record<string, unknown>): Promise<LeanSocket> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
      perMessageDeflate: false,
    });
    const socket = new LeanSocket(ws);
    return new Promise((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) return;
        const text = data.toString();
        switch (text[0]) {
          case '0':
            ws.send(`40${auth ? JSON.stringify(auth) : ''}`);
            return;
          case '2':
            ws.send('3');
            return;
          case '4':
            socket.onPacket(text, resolve, reject);
            return;
          default:
            return;
        }
      });
    });
  }

  /** Decodes the server's `event` packets from now on and passes their arguments to `handler`. */
  on<A extends unknown[]>(event: string, handler: (...args: A) => void): this {
    this.handlers.set(event, handler as (...args: unknown[]) => void);
    return this;
  }

  private onPacket(text: string, resolve: (s: LeanSocket) => void, reject: (e: Error) => void): void {
    const type = text[1];
    if (type === '0') return resolve(this);
    if (type === '4') return reject(new Error(`connect refused: ${text.slice(2)}`));
    if (type === '2') {
      this.received += 1;
      this.dispatch(text);
      return;
    }
    if (type === '3') {
      let i = 2;
      while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i += 1;
      const id = Number(text.slice(2, i));
      const pending = this.acks.get(id);
      if (!pending) return;
      this.acks.delete(id);
      pending.resolve((JSON.parse(text.slice(i)) as unknown[])[0]);
    }
  }

  /** `42["name",...args]`: the name is read off the text, so unhandled events cost no JSON parse. */
  private dispatch(text: string): void {
    if (this.handlers.size === 0 || !text.startsWith('["', 2)) return;
    const handler = this.handlers.get(text.slice(4, text.indexOf('"', 4)));
    if (!handler) return;
    const [, ...args] = JSON.parse(text.slice(2)) as unknown[];
    handler(...args);
  }

  emitWithAck<T = unknown>(event: string, payload: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.acks.set(id, { resolve: resolve as (reply: unknown) => void, reject });
      this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  close(): void {
    this.ws.close();
  }
}
