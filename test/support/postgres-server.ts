import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { EmbeddedDatabase } from '../../src/database/embedded-postgres';
import { buildArena } from './arena-process';

/**
 * A PostgreSQL server of a test's own, that it may stop and start: the project's embedded PostgreSQL
 * (src/database/embedded-postgres), run by a small Node process, because embedded-postgres is ESM with
 * `import.meta`, which jest cannot load. `stop()` stops the server as an operator would (a fast shutdown);
 * starting again on the same `dir` and `port` keeps the data.
 */
export async function startPostgresServer(dir: string, port: number): Promise<EmbeddedDatabase> {
  const module = join(dirname(await buildArena()), 'database', 'embedded-postgres.js');
  const script = `
    const { startEmbeddedPostgres } = require(${JSON.stringify(module)});
    startEmbeddedPostgres({ dir: ${JSON.stringify(dir)}, port: ${port} }).then(async (server) => {
      await server.createDatabase('arena');
      process.on('SIGTERM', () => server.stop().then(() => process.exit(0), () => process.exit(1)));
      process.stdout.write('ready\\n');
    }, (error) => { console.error(error); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`PostgreSQL did not start within 30 s:\n${output}`)), 30_000);
    child.stdout.on('data', () => {
      if (!output.includes('ready')) return;
      clearTimeout(timer);
      resolve();
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL's runner exited at start:\n${output}`));
    });
  });
  const url = (database: string) => `postgres://postgres:arena-embedded@127.0.0.1:${port}/${database}`;
  return {
    url,
    createDatabase: () => Promise.reject(new Error('the runner creates the database "arena" only')),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
