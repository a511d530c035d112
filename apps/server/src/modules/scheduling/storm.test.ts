import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Client, startTestApp, type TestApp } from '../../test/harness.ts';
import { addMember, createUser, signIn } from '../../test/factories.ts';
import { desyncCount, overlapCount, schedulingWorld, type SchedulingWorld } from './scheduling.fixture.ts';

/**
 * The booking storm: 64 concurrent HTTP clients hot-spotted on a few slots, booking single
 * appointments and series, moving and cancelling. Whatever the interleaving, the database
 * must hold no overlap, and every attempt must be answered 2xx or 409 — never a server error.
 */
const WORKERS = 64;
const OPS_PER_WORKER = 8;
const HOT_STARTS = ['2030-01-07T10:00', '2030-01-07T10:30', '2030-01-07T11:00', '2030-01-14T10:00', '2030-01-14T10:30'];

let t: TestApp;
let w: SchedulingWorld;
let sessions: Client[];
before(async () => {
  t = await startTestApp(process.env.STORM_LOG ? { LOG_LEVEL: process.env.STORM_LOG } : {});
  w = await schedulingWorld(t, { clinicians: 4, clients: 10 });
  sessions = [w.owner];
  for (let i = 0; i < 3; i++) {
    const user = await createUser(t.deps, { name: `Back office ${i}` });
    await addMember(t.deps, w.practice.id, user, ['back_office']);
    sessions.push(await signIn(t, user));
  }
});
after(() => t.close());

/** A deterministic pseudo-random sequence per worker, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % n;
  };
}

describe('booking storm', () => {
  it('keeps every clinician, client and room free of overlaps under 64 concurrent clients; every attempt 2xx or 409', async () => {
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const created: string[] = [];
    const pick = <T>(r: (n: number) => number, list: T[]): T => list[r(list.length)] as T;

    const worker = async (index: number) => {
      const r = rng(index + 1);
      const http = sessions[index % sessions.length] as Client;
      for (let op = 0; op < OPS_PER_WORKER; op++) {
        const dice = r(100);
        let res;
        if (dice < 60 || created.length === 0) {
          const inPerson = r(2) === 0;
          const series = dice >= 50 && dice < 60;
          res = await http.post(`${w.base}/appointments`, {
            clientIds: [pick(r, w.clientIds)],
            clinicianIds: [pick(r, w.clinicians).membershipId],
            serviceId: w.serviceId,
            mode: inPerson ? 'in_person' : 'video',
            ...(inPerson && { locationId: w.locationId, roomId: pick(r, w.roomIds) }),
            start: pick(r, HOT_STARTS),
            ...(series && { recurrence: { frequency: 'weekly', count: 3 } }),
          });
          if (res.status === 201) for (const a of res.body.appointments as { id: string }[]) created.push(a.id);
        } else if (dice < 82) {
          res = await http.patch(`${w.base}/appointments/${pick(r, created)}`, { start: pick(r, HOT_STARTS) });
        } else {
          res = await http.post(`${w.base}/appointments/${pick(r, created)}/status`, { status: 'cancelled', cancelledBy: 'practice' });
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (![200, 201, 409].includes(res.status)) failures.push(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(i)));

    assert.deepEqual(failures, [], 'every attempt is answered 2xx or 409');
    assert.equal(await overlapCount(t, w.practice.id), 0, 'no overlapping clinician, client or room');
    assert.equal(await desyncCount(t), 0, 'participants carry their appointment’s time');
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    assert.equal(total, WORKERS * OPS_PER_WORKER);
    assert.ok((statuses.get(201) ?? 0) > 0, `some bookings succeed: ${JSON.stringify([...statuses])}`);
    assert.ok((statuses.get(409) ?? 0) > 0, `the hot spots are contested: ${JSON.stringify([...statuses])}`);

    // What the API answers is what the database holds: every listed appointment occupies.
    const listed = await w.owner.get(`${w.base}/appointments?from=2030-01-06T00:00:00Z&to=2030-02-06T00:00:00Z`);
    const rows = await t.deps.db
      .selectFrom('appointments')
      .select('id')
      .where('practice_id', '=', w.practice.id)
      .where('occupies', '=', true)
      .execute();
    assert.equal(listed.body.items.length, rows.length);
  });
});
