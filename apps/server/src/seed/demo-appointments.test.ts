import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../test/harness.ts';
import { desyncCount, overlapCount } from '../modules/scheduling/scheduling.fixture.ts';
import { seedDemo } from './demo.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

describe('demo agenda', () => {
  it('books five weeks of agenda per demo practice through the booking rules: series, rooms, video, and past outcomes', async () => {
    const summary = await seedDemo(t.deps, { onlyIfEmpty: false });
    assert.match(summary ?? '', /five weeks of agenda/);
    const practices = await t.deps.db.selectFrom('practices').select('id').where('name', 'like', '%(demo)').execute();
    assert.ok(practices.length >= 2);
    for (const p of practices) {
      const rows = await t.deps.db
        .selectFrom('appointments')
        .select(['status', 'mode', 'series_id', 'room_id'])
        .where('practice_id', '=', p.id)
        .execute();
      assert.ok(rows.length >= 100, `only ${rows.length} appointments`);
      const statuses = new Set(rows.map((r) => r.status));
      for (const s of ['planned', 'attended', 'no_show', 'late_cancelled']) assert.ok(statuses.has(s as never), `no ${s} appointment`);
      assert.ok(
        rows.some((r) => r.series_id !== null),
        'a weekly series',
      );
      assert.ok(rows.some((r) => r.mode === 'video') && rows.some((r) => r.room_id !== null), 'video and in-room sessions');
      assert.equal(await overlapCount(t, p.id), 0);
      const reminders = await t.deps.db
        .selectFrom('appointment_reminders')
        .select('status')
        .where('practice_id', '=', p.id)
        .where('status', '=', 'scheduled')
        .execute();
      assert.ok(reminders.length > 0, 'upcoming sessions of consenting clients have reminders planned');
      const absences = await t.deps.db.selectFrom('absences').select(['kind', 'starts_at']).where('practice_id', '=', p.id).execute();
      assert.deepEqual(absences.map((a) => a.kind).sort(), ['closure', 'leave'], 'a day of leave and a closure on the agenda');
      assert.ok(
        absences.every((a) => a.starts_at.getTime() > Date.now()),
        'both ahead, where the agenda opens',
      );
      const clashes = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM absences ab
          JOIN appointment_clinicians ac ON ac.practice_id = ab.practice_id AND ac.occupies
           AND (ab.membership_id IS NULL OR ab.membership_id = ac.membership_id)
           AND ac.during && tstzrange(ab.starts_at, ab.ends_at)
         WHERE ab.practice_id = ${p.id}`.execute(t.deps.db);
      assert.equal(clashes.rows[0]?.n, 0, 'no session during the leave or the closure');
    }
    assert.equal(await desyncCount(t), 0);
  });
});
