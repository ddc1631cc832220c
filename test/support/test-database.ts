export { adminQuery, withDatabase } from '../../src/database/admin-sql';

/** Databases a test run creates are named after its process, so a crashed run's leftovers can be found. */
export const TEST_DATABASE_PREFIX = 'arena_test_';
