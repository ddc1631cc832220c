import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rooms get a last phase, `closed`: every player and agent left, so the room leaves the lobby and its
 * bots stop. Reverting turns closed rooms into finished ones (the nearest phase the old code knows), so
 * they stay out of the lobby.
 */
export class RoomsClosedPhase1796953120000 implements MigrationInterface {
  name = 'RoomsClosedPhase1796953120000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rooms DROP CONSTRAINT chk_rooms_phase`);
    await q.query(
      `ALTER TABLE rooms ADD CONSTRAINT chk_rooms_phase CHECK (phase IN ('lobby', 'playing', 'finished', 'closed'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE rooms SET phase = 'finished', state = jsonb_set(state, '{phase}', '"finished"') WHERE phase = 'closed'`,
    );
    await q.query(`ALTER TABLE rooms DROP CONSTRAINT chk_rooms_phase`);
    await q.query(`ALTER TABLE rooms ADD CONSTRAINT chk_rooms_phase CHECK (phase IN ('lobby', 'playing', 'finished'))`);
  }
}
