import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { migrationsFolder, openPglite } from "./client";

/**
 * Migration 0006 adds the members' kept state (unread count, last activity, last incoming message)
 * and backfills it: applied to a database that already holds rooms, messages and read cursors,
 * every member's state must match its definition.
 */
const MIGRATION = "0006_member_state";

/** A migrations folder holding only the migrations before `tag`, as a database made before it was. */
function foldersBefore(tag: string): string {
  const source = migrationsFolder();
  const journal = JSON.parse(fs.readFileSync(path.join(source, "meta/_journal.json"), "utf8")) as {
    entries: { tag: string }[];
  };
  const at = journal.entries.findIndex((e) => e.tag === tag);
  if (at < 0) throw new Error(`no migration ${tag}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "carebridge-migrations-"));
  fs.mkdirSync(path.join(dir, "meta"));
  const earlier = journal.entries.slice(0, at);
  for (const entry of earlier)
    fs.copyFileSync(path.join(source, `${entry.tag}.sql`), path.join(dir, `${entry.tag}.sql`));
  fs.writeFileSync(path.join(dir, "meta/_journal.json"), JSON.stringify({ ...journal, entries: earlier }));
  return dir;
}

const handle = openPglite();
const folder = foldersBefore(MIGRATION);
afterAll(async () => {
  await handle.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

describe(`migration ${MIGRATION}`, () => {
  it("backfills every member's unread count, last activity and last incoming time from the existing data", async () => {
    const pg = handle.pglite!;
    await migrate(drizzle({ client: pg }), { migrationsFolder: folder });
    // Doctor 1 with patients 2 and 3; room 10 has five messages, room 11 none, room 12 only the doctor's.
    await pg.exec(`
      insert into users (id, email, name, password_hash, role) values
        ('${uuid(1)}', 'd@example.com', 'Doc', 'x', 'doctor'),
        ('${uuid(2)}', 'p2@example.com', 'Pat Two', 'x', 'patient'),
        ('${uuid(3)}', 'p3@example.com', 'Pat Three', 'x', 'patient');
      insert into appointments (id, patient_id, doctor_id, starts_at, reason, status) values
        ('${uuid(20)}', '${uuid(2)}', '${uuid(1)}', '2030-01-01T09:00Z', 'r', 'accepted'),
        ('${uuid(21)}', '${uuid(3)}', '${uuid(1)}', '2030-01-01T10:00Z', 'r', 'accepted'),
        ('${uuid(22)}', '${uuid(2)}', '${uuid(1)}', '2030-01-01T11:00Z', 'r', 'accepted');
      insert into chat_rooms (id, appointment_id, last_seq, last_activity_at) values
        ('${uuid(10)}', '${uuid(20)}', 5, '2030-01-01T08:05:00.123456Z'),
        ('${uuid(11)}', '${uuid(21)}', 0, '2029-12-30T00:00Z'),
        ('${uuid(12)}', '${uuid(22)}', 2, '2029-12-31T12:00:00.5Z');
      insert into room_members (room_id, user_id, last_read_seq) values
        ('${uuid(10)}', '${uuid(2)}', 1), ('${uuid(10)}', '${uuid(1)}', 4),
        ('${uuid(11)}', '${uuid(3)}', 0), ('${uuid(11)}', '${uuid(1)}', 0),
        ('${uuid(12)}', '${uuid(2)}', 0), ('${uuid(12)}', '${uuid(1)}', 2);
      insert into messages (room_id, seq, sender_id, client_id, body, created_at) values
        ('${uuid(10)}', 1, '${uuid(2)}', gen_random_uuid(), 'a', '2030-01-01T08:01Z'),
        ('${uuid(10)}', 2, '${uuid(1)}', gen_random_uuid(), 'b', '2030-01-01T08:02Z'),
        ('${uuid(10)}', 3, '${uuid(1)}', gen_random_uuid(), 'c', '2030-01-01T08:03Z'),
        ('${uuid(10)}', 4, '${uuid(2)}', gen_random_uuid(), 'd', '2030-01-01T08:04Z'),
        ('${uuid(10)}', 5, '${uuid(2)}', gen_random_uuid(), 'e', '2030-01-01T08:05:00.123Z'),
        ('${uuid(12)}', 1, '${uuid(1)}', gen_random_uuid(), 'f', '2029-12-31T11:00Z'),
        ('${uuid(12)}', 2, '${uuid(1)}', gen_random_uuid(), 'g', '2029-12-31T12:00:00.5Z');
    `);

    await handle.migrate();

    const { rows } = await pg.query<{
      room: string;
      member: string;
      unread: number;
      activity: string;
      incoming: string | null;
    }>(`
      select right(room_id::text, 2) as room, right(user_id::text, 1) as member, unread_count as unread,
             to_char(last_activity_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as activity,
             to_char(last_incoming_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as incoming
        from room_members order by room_id, user_id`);
    expect(rows).toEqual([
      // Room 10: the doctor (cursor 4) has the patient's 5 unread; the patient (cursor 1) the doctor's 2 and 3.
      {
        room: "10",
        member: "1",
        unread: 1,
        activity: "2030-01-01T08:05:00.123456",
        incoming: "2030-01-01T08:05:00.123000",
      },
      {
        room: "10",
        member: "2",
        unread: 2,
        activity: "2030-01-01T08:05:00.123456",
        incoming: "2030-01-01T08:03:00.000000",
      },
      // Room 11: nothing sent yet.
      { room: "11", member: "1", unread: 0, activity: "2029-12-30T00:00:00.000000", incoming: null },
      { room: "11", member: "3", unread: 0, activity: "2029-12-30T00:00:00.000000", incoming: null },
      // Room 12: only the doctor wrote; the doctor's own messages are never unread nor incoming for them.
      { room: "12", member: "1", unread: 0, activity: "2029-12-31T12:00:00.500000", incoming: null },
      {
        room: "12",
        member: "2",
        unread: 2,
        activity: "2029-12-31T12:00:00.500000",
        incoming: "2029-12-31T12:00:00.500000",
      },
    ]);
    // Every migration from an empty embedded database: slow, and slower on a busy machine.
  }, 120_000);
});
