import { writeHeapSnapshot } from 'node:v8';

/** A server's memory, read after a forced collection, and the sockets it held then. */
export interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  sockets: number;
}

/** What `bench:sockets` asks a server process over IPC. */
export type ProbeRequest = { memory: true } | { snapshot: string } | { statements: true } | { stop: true };

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the server with --expose-gc');
  // Twice: the first pass runs finalizers whose objects only the second one frees.
  gc();
  gc();
}

/**
 * The IPC side of a benchmarked server (Arena's bench process, the bare yardstick): memory after a forced
 * collection (the process runs with --expose-gc, which only the benchmark passes), heap snapshots, the
 * SQL statements counted since the last reading, stop. Stops the process when its parent goes.
 */
export function answerProbes(options: {
  sockets: () => number;
  statements?: () => Record<string, number>;
  stop: () => Promise<void>;
}): void {
  process.once('disconnect', () => process.exit(0));
  process.on('message', async (message: ProbeRequest) => {
    if ('memory' in message) {
      collectGarbage();
      const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
      const memory: Memory = { rss, heapUsed, heapTotal, external, arrayBuffers, sockets: options.sockets() };
      process.send!({ memory });
    }
    if ('statements' in message) process.send!({ statements: options.statements?.() ?? {} });
    if ('snapshot' in message) {
      collectGarbage();
      process.send!({ snapshot: writeHeapSnapshot(message.snapshot) });
    }
    if ('stop' in message) {
      await options.stop();
      process.exit(0);
    }
  });
}
