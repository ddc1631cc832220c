import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { openDatabaseServer } from './src/database/database-server';
import { dataSourceOptions } from './src/database/data-source-options';

/**
 * The data source for the TypeORM CLI (`npm run migration:*`): DATABASE_URL when set, otherwise the
 * same embedded PostgreSQL that `npm start` uses (started for the command, stopped when it exits).
 */
export default (async () => {
  const database = await openDatabaseServer(loadConfig());
  const dataSource = new DataSource(dataSourceOptions(database.url, 2));
  // The CLI destroys the data source when its command is done; an embedded server stops with it.
  const destroy = dataSource.destroy.bind(dataSource);
  dataSource.destroy = async () => {
    await destroy();
    await database.embedded?.stop();
  };
  return dataSource;
})();
