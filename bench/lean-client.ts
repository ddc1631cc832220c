import WebSocket from 'ws';

/**
 * A minimal Socket.IO client (Engine.IO 4 over WebSocket, default namespace) for the load generator:
 * it parses acknowledgements and answers pings but only counts broadcast events without decoding them,
 * so the load process spends its time sending, not parsing, and the servers' figures are not capped by
 * the client. Speaks the same wire protocol as socket.io-client.
 */
export class LeanSocket {
  received = 0;
  private nextId = 0;
  private readonly acks = new Map<number, (reply: unknown) => void>();

  private constructor(private readonly ws: WebSocket) {}

  static connect(url: string, auth?: Record<string, unknown>): Promise<LeanSocket> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
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

  private onPacket(text: string, resolve: (s: LeanSocket) => void, reject: (e: Error) => void): void {
    const type = text[1];
    if (type === '0') return resolve(this);
    if (type === '4') return reject(new Error(`connect refused: ${text.slice(2)}`));
    if (type === '2') {
      this.received += 1;
      return;
    }
    if (type === '3') {
      let i = 2;
      while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i += 1;
      const id = Number(text.slice(2, i));
      const done = this.acks.get(id);
      if (!done) return;
      this.acks.delete(id);
      done((JSON.parse(text.slice(i)) as unknown[])[0]);
    }
  }

  emitWithAck<T = unknown>(event: string, payload: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.acks.set(id, resolve as (reply: unknown) => void);
      this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  close(): void {
    this.ws.close();
  }
}
