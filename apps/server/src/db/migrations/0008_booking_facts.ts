import { sql, type Kysely } from 'kysely';

/**
 * What a booking is checked against, as one function (see booking-facts.ts). A booking's
 * checks are one statement with ten parts; PostgreSQL spent 1.4 ms planning it on every call
 * and 0.2 ms running it. In PL/pgSQL the plan is kept per connection, and the generic plan
 * (arrays of any length, any practice) is forced: the custom plan for given values is never
 * better here, since every part is an index lookup by practice and id. The taken times are
 * looked up per session and person (`LATERAL … OFFSET 0`, so the join is not flattened):
 * a generic plan of the plain join hashed every appointment of every practice (1.4 ms at
 * 22,000 appointments, growing with the table) instead of probing the exclusion indexes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE FUNCTION booking_facts(
  p_practice uuid, p_service uuid, p_clinicians uuid[], p_clients uuid[], p_location uuid, p_room uuid,
  p_starts timestamptz[], p_from timestamptz, p_until timestamptz
) RETURNS json
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $fn$
BEGIN
  RETURN (SELECT row_to_json(f) FROM (
WITH o AS (SELECT s, tstzrange(s, s + interval '1 day') AS around FROM unnest(p_starts) AS u(s))
SELECT
  (SELECT json_build_object('videoUrlTemplate', video_url_template, 'reminderLeadHours', reminder_lead_hours)
     FROM practices WHERE id = p_practice) AS practice,
  (SELECT row_to_json(s) FROM (
     SELECT id, name, default_duration_minutes, allowed_modes, buffer_minutes, active
       FROM services WHERE practice_id = p_practice AND id = p_service) s) AS service,
  (SELECT coalesce(json_agg(json_build_object('id', m.id, 'name', u.name)), '[]')
     FROM memberships m JOIN users u ON u.id = m.user_id
    WHERE m.practice_id = p_practice AND m.id = ANY(p_clinicians) AND m.active
      AND m.roles @> ARRAY['clinician']) AS clinicians,
  (SELECT coalesce(json_agg(row_to_json(c)), '[]') FROM (
     SELECT id, client_number, first_name, name_prefix, last_name, pseudonym, destroyed_at, merged_into,
            email, phone, consents, communication
       FROM clients WHERE practice_id = p_practice AND id = ANY(p_clients)) c) AS clients,
  (SELECT row_to_json(l) FROM (
     SELECT id, name, active, address FROM locations WHERE practice_id = p_practice AND id = p_location) l) AS location,
  (SELECT row_to_json(x) FROM (
     SELECT id, name, location_id, active FROM rooms WHERE practice_id = p_practice AND id = p_room) x) AS room,
  (SELECT coalesce(json_agg(row_to_json(h)), '[]') FROM (
     SELECT membership_id, weekday, start_time, end_time, location_id, modes
       FROM working_hours WHERE practice_id = p_practice AND membership_id = ANY(p_clinicians)) h) AS hours,
  (SELECT coalesce(json_agg(row_to_json(a)), '[]') FROM (
     SELECT membership_id, kind, starts_at, ends_at FROM absences
      WHERE practice_id = p_practice AND (membership_id = ANY(p_clinicians) OR membership_id IS NULL)
        AND starts_at < p_until AND ends_at > p_from) a) AS absences,
  (SELECT coalesce(json_agg(row_to_json(t)), '[]') FROM (
     SELECT DISTINCT * FROM (
       SELECT 'room' AS kind, a.room_id AS id, lower(a.during) AS starts_at, upper(a.during) AS ends_at
         FROM o JOIN appointments a ON a.room_id = p_room AND a.during && o.around AND a.occupies
        WHERE a.practice_id = p_practice
       UNION ALL
       SELECT 'clinician', x.* FROM o CROSS JOIN unnest(p_clinicians) AS m(id) CROSS JOIN LATERAL (
         SELECT ac.membership_id, lower(ac.during), upper(ac.during) FROM appointment_clinicians ac
          WHERE ac.membership_id = m.id AND ac.during && o.around AND ac.occupies AND ac.practice_id = p_practice
         OFFSET 0) x
       UNION ALL
       SELECT 'client', y.* FROM o CROSS JOIN unnest(p_clients) AS c(id) CROSS JOIN LATERAL (
         SELECT ak.client_id, lower(ak.during), upper(ak.during) FROM appointment_clients ak
          WHERE ak.client_id = c.id AND ak.during && o.around AND ak.occupies AND ak.practice_id = p_practice
         OFFSET 0) y) all_taken) t) AS taken
  ) f);
END
$fn$;
`.execute(db);
}
