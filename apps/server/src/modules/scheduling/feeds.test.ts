import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { hashToken } from '../../platform/crypto.ts';
import { addMember, createUser, signIn } from '../../test/factories.ts';
import { Client, startTestApp, type TestApp } from '../../test/harness.ts';
import { readCalendarFeed } from './feeds.ts';
import { book, messagesWorld, parseIcs, registerClient, type MessagesWorld } from './messages.fixture.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const tokenOf = (url: string) => /\/api\/v1\/calendar\/([^/]+)\.ics$/.exec(url)?.[1] ?? assert.fail(`no token in ${url}`);

async function fetchFeed(url: string) {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), cache: res.headers.get('cache-control'), text: await res.text() };
}

/** Every instant of the clinician's appointments in a period, as GET /appointments shows them. */
async function apiInstants(w: MessagesWorld, from: string, to: string) {
  const res = await w.owner.get(`${w.base}/appointments?from=${from}&to=${to}&clinicianId=${w.clinicianMembershipId}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return (res.body.items as { id: string; startsAt: string; endsAt: string; localStart: string }[]).map((a) => ({
    uid: a.id,
    start: a.startsAt,
    end: a.endsAt,
    local: a.localStart,
  }));
}

/** The feed's events as instants, with the wall-clock start in Amsterdam from its TZID. */
function feedInstants(text: string) {
  return parseIcs(text)
    .events.map((e) => ({
      uid: e.uid,
      start: e.startDate.toJSDate().toISOString(),
      end: e.endDate.toJSDate().toISOString(),
      local: `${e.startDate.toString().slice(0, 16)}`,
    }))
    .sort((x, y) => x.start.localeCompare(y.start));
}

describe('calendar feeds', () => {
  let w: MessagesWorld;
  let clientId: string;
  before(async () => {
    w = await messagesWorld(t);
    clientId = (await registerClient(w, { firstName: 'Jan', namePrefix: 'de', lastName: 'Boer' })).id;
  });

  it('is made by the owner for a clinician: the address is answered once, only its hash is kept, GET tells only that it exists', async () => {
    const none = await w.owner.get(`${w.base}/staff/${w.clinicianMembershipId}/calendar-feed`);
    assert.equal(none.status, 200);
    assert.deepEqual(none.body, { feed: null });

    const made = await w.owner.post(`${w.base}/staff/${w.clinicianMembershipId}/calendar-feed`);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.match(made.body.url, /^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    assert.equal(made.body.webcalUrl, made.body.url.replace(/^http:/, 'webcal:'));
    const token = tokenOf(made.body.url);
    const row = await t.deps.db.selectFrom('calendar_feeds').selectAll().where('id', '=', made.body.feed.id).executeTakeFirstOrThrow();
    assert.deepEqual(row.token_hash, hashToken(token));
    assert.ok(!JSON.stringify(row).includes(token));

    const status = await w.owner.get(`${w.base}/staff/${w.clinicianMembershipId}/calendar-feed`);
    assert.equal(status.body.feed.id, made.body.feed.id);
    assert.equal(status.body.feed.lastReadAt, null);
    assert.ok(!JSON.stringify(status.body).includes(token));

    // The clinician themself may see and make their own; another clinician or billing may not.
    assert.equal((await w.clinician.get(`${w.base}/staff/${w.clinicianMembershipId}/calendar-feed`)).status, 200);
    const colleague = await createUser(t.deps);
    await addMember(t.deps, w.practice.id, colleague, ['clinician', 'billing']);
    const c = await signIn(t, colleague);
    assert.equal((await c.get(`${w.base}/staff/${w.clinicianMembershipId}/calendar-feed`)).status, 403);
    assert.equal((await c.post(`${w.base}/staff/${w.clinicianMembershipId}/calendar-feed`)).status, 403);
    assert.equal((await c.delete(`${w.base}/staff/${w.clinicianMembershipId}/calendar-feed`)).status, 403);
    assert.equal((await fetchFeed(made.body.url)).status, 200, 'refused attempts change nothing');
  });

  it('shows a weekly series across a daylight-saving change at the same instants as GET /appointments, 10:00 local before and after', async () => {
    // 2027-03-28: the clocks go forward in Europe/Amsterdam (inside the feed's 26 weeks ahead).
    const series = await book(w, [clientId], { start: '2027-03-15T10:00', recurrence: { frequency: 'weekly', interval: 1, count: 4 } });
    const online = await book(w, [clientId], { start: '2027-03-16T11:00', mode: 'video', locationId: undefined, roomId: undefined });
    assert.deepEqual(
      series.appointments.map((a) => a.startsAt),
      ['2027-03-15T09:00:00.000Z', '2027-03-22T09:00:00.000Z', '2027-03-29T08:00:00.000Z', '2027-04-05T08:00:00.000Z'],
    );
    const made = await w.clinician.post(`${w.base}/staff/${w.clinicianMembershipId}/calendar-feed`);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const feed = await fetchFeed(made.body.url);
    assert.equal(feed.status, 200);
    assert.match(feed.type ?? '', /^text\/calendar/);
    assert.equal(feed.cache, 'no-store');

    const parsed = parseIcs(feed.text);
    assert.deepEqual(parsed.vtimezones, ['Europe/Amsterdam']);
    const fromFeed = feedInstants(feed.text).filter((e) => e.start >= '2027-03-01' && e.start < '2027-05-01');
    const fromApi = await apiInstants(w, '2027-03-01T00:00:00Z', '2027-05-01T00:00:00Z');
    assert.deepEqual(fromFeed, fromApi);
    assert.deepEqual(
      fromFeed.filter((e) => series.appointments.some((a) => a.id === e.uid)).map((e) => e.local),
      ['2027-03-15T10:00', '2027-03-22T10:00', '2027-03-29T10:00', '2027-04-05T10:00'],
    );

    const event = parsed.events.find((e) => e.uid === series.appointments[0]!.id)!;
    assert.equal(event.summary, 'J.B. · op locatie');
    assert.equal(event.location, 'Locatie Centrum');
    assert.equal(event.component.getFirstProperty('dtstart')?.getParameter('tzid'), 'Europe/Amsterdam');
    assert.equal(event.description, null);
    const video = parsed.events.find((e) => e.uid === online.appointments[0]!.id)!;
    assert.equal(video.summary, 'J.B. · video');
    assert.equal(video.location, null);
    assert.ok(!feed.text.includes(online.appointments[0]!.videoUrl ?? '∅'), 'no video link');
    for (const word of ['Jan', 'Boer', 'Traumabehandeling', w.marker]) assert.ok(!feed.text.includes(word), word);

    // A cancelled session leaves the feed.
    const cancel = await w.owner.post(`${w.base}/appointments/${series.appointments[1]!.id}/status`, {
      status: 'cancelled',
      cancelledBy: 'practice',
    });
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    const again = feedInstants((await fetchFeed(made.body.url)).text);
    assert.ok(!again.some((e) => e.uid === series.appointments[1]!.id));
  });

  it('shows the 2026-10-25 change the same way (the feed as it was read on 20 October)', async () => {
    const series = await book(w, [clientId], { start: '2026-10-12T10:00', recurrence: { frequency: 'weekly', interval: 1, count: 4 } });
    assert.deepEqual(
      series.appointments.map((a) => a.startsAt),
      ['2026-10-12T08:00:00.000Z', '2026-10-19T08:00:00.000Z', '2026-10-26T09:00:00.000Z', '2026-11-02T09:00:00.000Z'],
    );
    const made = await w.owner.post(`${w.base}/staff/${w.clinicianMembershipId}/calendar-feed`);
    const text = await readCalendarFeed(
      t.deps,
      tokenOf(made.body.url),
      { requestId: 'test', ip: null, userAgent: null },
      { now: new Date('2026-10-20T12:00:00Z') },
    );
    const fromFeed = feedInstants(text).filter((e) => e.start < '2026-11-10');
    const fromApi = await apiInstants(w, '2026-10-01T00:00:00Z', '2026-11-10T00:00:00Z');
    assert.deepEqual(fromFeed, fromApi);
    assert.deepEqual(
      fromFeed.map((e) => e.local),
      ['2026-10-12T10:00', '2026-10-19T10:00', '2026-10-26T10:00', '2026-11-02T10:00'],
    );
    // Today's feed starts 4 weeks back: the sessions before 30 October are out of it.
    const today = feedInstants((await fetchFeed(made.body.url)).text).map((e) => e.uid);
    assert.deepEqual(
      series.appointments.filter((a) => today.includes(a.id)).map((a) => a.startsAt),
      series.appointments
        .filter((a) => Date.parse(a.startsAt) >= Temporal.Now.instant().subtract({ hours: 28 * 24 }).epochMilliseconds)
        .map((a) => a.startsAt),
    );
  });

  it('writes one access-log entry per read, in the clinician’s name on behalf of the feed', async () => {
    const made = await w.owner.post(`${w.base}/staff/${w.clinicianMembershipId}/calendar-feed`);
    const before = await t.deps.db
      .selectFrom('audit_log')
      .select('id')
      .where('practice_id', '=', w.practice.id)
      .where('action', '=', 'calendar.feed.read')
      .execute();
    assert.equal((await fetchFeed(made.body.url)).status, 200);
    const entries = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('practice_id', '=', w.practice.id)
      .where('action', '=', 'calendar.feed.read')
      .execute();
    assert.equal(entries.length, before.length + 1);
    const entry = entries.at(-1)!;
    assert.equal(entry.user_id, w.clinicianUser.id);
    assert.equal(entry.on_behalf_of, `calendar_feed:${made.body.feed.id}`);
    assert.equal(entry.entity_id, made.body.feed.id);
    assert.equal(entry.data_category, 'client');
    const status = await w.owner.get(`${w.base}/staff/${w.clinicianMembershipId}/calendar-feed`);
    assert.ok(status.body.feed.lastReadAt);
  });

  it('answers 404 to a revoked, replaced, unknown or malformed address, and to a member who left', async () => {
    const first = await w.owner.post(`${w.base}/staff/${w.clinicianMembershipId}/calendar-feed`);
    const second = await w.owner.post(`${w.base}/staff/${w.clinicianMembershipId}/calendar-feed`);
    assert.equal((await fetchFeed(first.body.url)).status, 404, 'a new feed replaces the old');
    assert.equal((await fetchFeed(second.body.url)).status, 200);

    const revoked = await w.owner.delete(`${w.base}/staff/${w.clinicianMembershipId}/calendar-feed`);
    assert.equal(revoked.status, 200);
    const gone = await fetchFeed(second.body.url);
    assert.equal(gone.status, 404);
    assert.equal(JSON.parse(gone.text).error.code, 'not_found');
    assert.deepEqual((await w.owner.get(`${w.base}/staff/${w.clinicianMembershipId}/calendar-feed`)).body, { feed: null });

    const anon = new Client(t.url);
    for (const token of ['A'.repeat(43), 'short', '..%2F..%2Fetc', 'x'.repeat(150)]) {
      const res = await anon.get(`/api/v1/calendar/${token}.ics`);
      assert.equal(res.status, 404, token);
    }

    const third = await w.owner.post(`${w.base}/staff/${w.clinicianMembershipId}/calendar-feed`);
    await t.deps.db.updateTable('memberships').set({ active: false }).where('id', '=', w.clinicianMembershipId).execute();
    try {
      assert.equal((await fetchFeed(third.body.url)).status, 404);
    } finally {
      await t.deps.db.updateTable('memberships').set({ active: true }).where('id', '=', w.clinicianMembershipId).execute();
    }
  });

  it('is rate-limited per address like the other public routes', async () => {
    const anon = new Client(t.url);
    let limited: { status: number; body: { error: { code: string } } } | undefined;
    for (let i = 0; i < 80 && !limited; i++) {
      const res = await anon.get(`/api/v1/calendar/${'B'.repeat(43)}.ics`);
      if (res.status === 429) limited = res;
      else assert.equal(res.status, 404);
    }
    assert.ok(limited, 'a 429 within 80 requests a minute');
    assert.equal(limited.body.error.code, 'rate_limited');
  });
});
