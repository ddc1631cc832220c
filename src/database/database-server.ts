import type { AppConfig } from '../config/app-config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres';

export interface DatabaseServer {
  url: string;
  /** The embedded server Arena started, to stop after everything else; absent with DATABASE_URL. */
  embedded?: EmbeddedDatabase;
}

const EMBEDDED_DATABASE = 'arena';

/** DATABASE_URL when set; otherwise an embedded PostgreSQL under EMBEDDED_PG_DIR (default ./.data/pg). */
export async function openDatabaseServer(config: AppConfig, log?: (line: string) => void): Promise<DatabaseServer> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const embedded = await startEmbeddedPostgres({ ...config.embeddedPg, log });
  await embedded.createDatabase(EMBEDDED_DATABASE);
  return { url: embedded.url(EMBEDDED_DATABASE), embedded };
}
