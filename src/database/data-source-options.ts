import { join } from 'node:path';
import type { ClientBase } from 'pg';
import type { DataSourceOptions } from 'typeorm';

/**
 * Every pooled client listens for 'error' from birth. The pool and TypeORM each listen only while they
 * hold it, and between the two (a client just handed out, before TypeORM's listener is on) a backend
 * ended by the server (a crash, a restart, pg_terminate_backend) would emit 'error' to nobody and end
 * the process. The error still reaches the query that was running, and the client is then retired.
 */
function onConnect(client: ClientBase): void {
  client.on('error', () => undefined);
}

/** One definition of the schema's sources, shared by the app, the CLI (ormconfig.ts) and the tests. */
export function dataSourceOptions(url: string, poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [join(__dirname, '..', '**', '*.entity.{ts,js}')],
    migrations: [join(__dirname, '..', '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, application_name: 'arena', onConnect },
  };
}
