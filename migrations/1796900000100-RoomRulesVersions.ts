import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rules versions: a room plays under the version of its game's rules it was made under, and each event
 * records the version it was applied under. Rooms and events from before this migration were made under
 * version 1. Their snapshots gain the two fields the room state now has (`rulesVersion`, and
 * `seatlessHost`, false: every earlier host took a seat). The outcome an event produced is kept in its
 * payload (`payload.outcome`); events from before have none, and replay applies their commands again.
 */
export class RoomRulesVersions1796900000100 implements MigrationInterface {
  name = 'RoomRulesVersions1796900000100';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['rooms', 'room_events']) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN rules_version integer NOT NULL DEFAULT 1`);
      // Every writer states the version from now on.
      await q.query(`ALTER TABLE ${table} ALTER COLUMN rules_version DROP DEFAULT`);
      await q.query(`ALTER TABLE ${table} ADD CONSTRAINT chk_${table}_rules_version CHECK (rules_version >= 1)`);
    }
    await q.query(
      `UPDATE rooms SET state = state || '{"rulesVersion": 1, "seatlessHost": false}'::jsonb WHERE NOT state ? 'rulesVersion'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE rooms SET state = state - 'rulesVersion' - 'seatlessHost'`);
    for (const table of ['room_events', 'rooms']) await q.query(`ALTER TABLE ${table} DROP COLUMN rules_version`);
  }
}
