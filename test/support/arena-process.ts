import { transformFile } from '@swc/core';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** Under the project (git-ignored), so the compiled files find node_modules. */
const BUILDS = join(ROOT, '.data', 'test-builds');

/** The project's swc settings (those of jest.config.js and .swcrc). */
const SWC = {
  jsc: {
    parser: { syntax: 'typescript' as const, decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022' as const,
    keepClassNames: true,
  },
  module: { type: 'commonjs' as const },
  swcrc: false,
};

let built: Promise<string> | undefined;

/** Compiles src/ and migrations/ once per test file (about a second); returns the path of main.js. */
export function buildArena(): Promise<string> {
  built ??= (async () => {
    const out = join(BUILDS, `${process.pid}-${randomBytes(3).toString('hex')}`);
    for (const folder of ['src', 'migrations']) {
      for (const file of await tsFiles(join(ROOT, folder))) {
        const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
        const { code } = await transformFile(file, SWC);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, code);
      }
    }
    return join(out, 'src', 'main.js');
  })();
  return built;
}

afterAll(async () => {
  if (built) await rm(dirname(dirname(await built)), { recursive: true, force: true });
});

async function tsFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface ArenaProcess {
  child: ChildProcess;
  url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/**
 * Arena as `npm start` runs it (`node dist/src/main`), on this database; resolves once it listens. A
 * process that has not started within `startMs` is killed (the test fails, and leaves no process behind).
 */
export async function startArena(env: Record<string, string>, startMs = 60_000): Promise<ArenaProcess> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(env, startMs);
    } catch (error) {
      // The free port was taken between freePort() and the child's listen (another test's process, or an
      // outgoing connection given it as its local port): another port, a few times.
      if (attempt >= 3 || !(error as Error).message.includes('EADDRINUSE')) throw error;
    }
  }
}

async function startOnce(env: Record<string, string>, startMs: number): Promise<ArenaProcess> {
  const main = await buildArena();
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      ARENA_BENCH_GAME: '1', // as the in-process test app: the bench game makes an action in flight simple
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      clearInterval(poll);
      child.kill('SIGKILL');
      reject(new Error(`Arena did not start within ${startMs} ms:\n${output}`));
    }, startMs);
    const poll = setInterval(() => {
      if (!output.includes('Arena is listening on')) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve();
    }, 25);
    void exited.then(() => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`Arena exited at start:\n${output}`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}`, output: () => output, exited };
}
