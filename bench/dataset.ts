import { createHash } from "node:crypto";

/**
 * A large, realistic data set made inside the database with set-based SQL (generate_series), so
 * two million messages take seconds, not an hour of round trips. Every constraint of db/schema.ts
 * holds: ids are derived from numbers (md5 → uuid) so rows can refer to each other without lookups,
 * start times are all distinct (no slot clash), every room's messages are numbered 1..last_seq
 * with times rising with the number, and every sender is a member of the room.
 *
 * Shape: doctor 1 is the busy one (the first `busyDoctorRooms` rooms); patient p sits in rooms p,
 * p + patients, p + 2·patients… (two or three rooms each at full scale). Room r will hold
 * `10 + (37·r mod 61)` messages in the end (40 on average). The rooms of the people the benchmark
 * asks about (the busy doctor's and the few-rooms patient's) are written whole in the first phase,
 * every other room a twentieth of its messages, and `growMessages` writes the rest: between the
 * two sizes only everyone else's messages grow, so each query is timed on the same person's
 * same data in a table about twelve times larger, and "flat" compares like with like. The
 * members' kept state (unread count, last activity, last incoming message) is counted after each
 * phase.
 */

export interface DatasetSize {
  doctors: number;
  patients: number;
  appointments: number;
  rooms: number;
  busyDoctorRooms: number;
  /** Requests waiting for doctor 1's answer. */
  busyDoctorPending: number;
  auditEvents: number;
}

export const FULL_SIZE: DatasetSize = {
  doctors: 200,
  patients: 20_000,
  appointments: 100_000,
  rooms: 50_000,
  busyDoctorRooms: 2_000,
  busyDoctorPending: 300,
  auditEvents: 100_000,
};

/** Something that runs one SQL statement: postgres.js `unsafe` or PGlite `exec`. */
export type RunSql = (statement: string) => Promise<unknown>;

/**
 * SQL for the id of thing `kind` number `n` (an SQL expression), the same as `uuidOf` below: an
 * md5 stamped as a version 4 UUID, since the app's zod schemas refuse other versions.
 */
const idOf = (kind: "admin" | "doctor" | "patient" | "appointment" | "room", n: string) =>
  `overlay(overlay(md5('${kind}-' || ${n}) placing '4' from 13) placing '8' from 17)::uuid`;

/** SQL for the doctor of appointment (or room) number `a`: doctor 1 takes the busy range. */
const doctorOf = (size: DatasetSize, a: string) =>
  `(case when ${a} <= ${size.busyDoctorRooms} or (${a} > ${size.rooms} and ${a} <= ${size.rooms + size.busyDoctorPending}) then 1 else 2 + ${a} % ${Math.max(1, size.doctors - 1)} end)`;
const patientOf = (size: DatasetSize, a: string) => `(1 + (${a} - 1) % ${size.patients})`;

/** The patient with few rooms whom the benchmark asks about. */
const FEW_ROOMS_PATIENT = 2;

/** SQL: whether room r belongs to someone the benchmark asks about (its history is whole from the start). */
const measuredRoom = (size: DatasetSize, r: string) =>
  `(${r} <= ${size.busyDoctorRooms} or ${patientOf(size, r)} = ${FEW_ROOMS_PATIENT})`;

/** The ids the benchmark and the plan test ask about, computed the same way as in the SQL. */
export function benchPeople(size: DatasetSize) {
  return {
    admin: uuidOf("admin-1"),
    busyDoctor: uuidOf("doctor-1"),
    /** A room of the busy doctor's (room 1). */
    busyDoctorRoom: uuidOf("room-1"),
    /** Patient 2 sits in rooms 2, 2 + patients, 2 + 2·patients… (three at full size). */
    fewRoomsPatient: uuidOf(`patient-${FEW_ROOMS_PATIENT}`),
    fewRoomsPatientRoom: uuidOf(`room-${Math.min(FEW_ROOMS_PATIENT + size.patients, size.rooms)}`),
    doctor: (n: number) => uuidOf(`doctor-${n}`),
    patient: (n: number) => uuidOf(`patient-${n}`),
    room: (n: number) => uuidOf(`room-${n}`),
  };
}

function uuidOf(seed: string): string {
  const md5 = createHash("md5").update(seed).digest("hex");
  const hex = `${md5.slice(0, 12)}4${md5.slice(13, 16)}8${md5.slice(17)}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** SQL for the final message count of room r. */
const finalCount = (r: string) => `(10 + (${r} * 37) % 61)`;

/** How many messages the whole data set holds once grown (the sum of `finalCount` over its rooms). */
export function finalMessageCount(size: DatasetSize): number {
  let total = 0;
  for (let r = 1; r <= size.rooms; r++) total += 10 + ((r * 37) % 61);
  return total;
}
/** SQL for the message count of room r after the first phase. */
const firstCount = (size: DatasetSize, r: string) =>
  `(case when ${measuredRoom(size, r)} then ${finalCount(r)} else greatest(1, ${finalCount(r)} / 20) end)`;

/** Everything but the later messages. `passwordHash` is stored on every account. */
export async function generateBase(run: RunSql, size: DatasetSize, passwordHash: string): Promise<void> {
  const { doctors, patients, appointments, rooms, busyDoctorPending, auditEvents } = size;
  if (rooms + busyDoctorPending > appointments || size.busyDoctorRooms > rooms || doctors < 2) {
    throw new Error("the data set needs two doctors and more appointments than rooms plus pending requests");
  }
  const hash = passwordHash.replace(/'/g, "''");
  // Start times are a permutation of minutes (17 is coprime with `span`), so no two appointments
  // share a start and no slot constraint can clash.
  const span = appointments % 17 === 0 ? appointments + 1 : appointments;
  const startOf = `(date_trunc('hour', now()) - interval '50 days' + ((a * 17) % ${span}) * interval '1 minute')`;

  await run(`
    insert into users (id, email, name, password_hash, role, created_at)
    select ${idOf("admin", "1")}, 'admin1@bench.test', 'Bench Admin', '${hash}', 'admin', now() - interval '400 days'
    union all
    select ${idOf("doctor", "d")}, 'doctor' || d || '@bench.test', 'Doctor ' || d, '${hash}', 'doctor', now() - interval '365 days' + d * interval '1 hour'
      from generate_series(1, ${doctors}) d
    union all
    select ${idOf("patient", "p")}, 'patient' || p || '@bench.test', 'Patient ' || p, '${hash}', 'patient', now() - interval '300 days' + p * interval '1 minute'
      from generate_series(1, ${patients}) p`);
  await run(`
    insert into doctor_profiles (user_id, specialty, bio, time_zone)
    select ${idOf("doctor", "d")},
           (array['Cardiology','Dermatology','General Practice','Paediatrics','Neurology','Oncology','Psychiatry','Orthopaedics'])[1 + d % 8],
           'Bench doctor ' || d, 'Europe/London'
      from generate_series(1, ${doctors}) d`);
  await run(`
    insert into working_hours (doctor_id, weekday, start_minute, end_minute)
    select ${idOf("doctor", "d")}, w, 540, 1020 from generate_series(1, ${doctors}) d, generate_series(1, 5) w`);
  // Appointments 1..rooms have rooms (accepted ahead, completed behind, a tenth cancelled later);
  // then doctor 1's pending requests, moved a day ahead; then requests, declines and cancellations.
  await run(`
    insert into appointments (id, patient_id, doctor_id, starts_at, reason, status, decision_note, created_at)
    select ${idOf("appointment", "a")}, ${idOf("patient", patientOf(size, "a"))}, ${idOf("doctor", doctorOf(size, "a"))},
           s, 'Bench reason ' || a, st,
           case when st in ('declined', 'cancelled') then 'Bench note' end,
           least(s, now()) - interval '3 days'
      from (
        select a, s,
               case
                 when a <= ${rooms} then case when a % 10 = 0 then 'cancelled' when s > now() then 'accepted' else 'completed' end
                 when a <= ${rooms + busyDoctorPending} then 'requested'
                 else (array['requested', 'declined', 'cancelled'])[1 + a % 3]
               end as st
          from (
            select a, case when a > ${rooms} and a <= ${rooms + busyDoctorPending}
                           then date_trunc('hour', now()) + interval '1 day' + a * interval '1 minute' - interval '7 seconds'
                           else ${startOf} end as s
              from generate_series(1, ${appointments}) a
          ) t
      ) x`);
  await run(`
    insert into chat_rooms (id, appointment_id, created_at)
    select ${idOf("room", "r")}, ${idOf("appointment", "r")}, now() - interval '60 days' from generate_series(1, ${rooms}) r`);
  await run(`
    insert into room_members (room_id, user_id)
    select ${idOf("room", "r")}, ${idOf("patient", patientOf(size, "r"))} from generate_series(1, ${rooms}) r
    union all
    select ${idOf("room", "r")}, ${idOf("doctor", doctorOf(size, "r"))} from generate_series(1, ${rooms}) r`);
  await insertMessages(run, size, "1", firstCount(size, "r"));
  await run(`
    insert into audit_events (actor_id, action, target_type, target_id, detail, created_at)
    select ${idOf("patient", `(1 + e % ${patients})`)},
           (array['auth.sign_in', 'appointment.requested', 'appointment.accepted', 'user.password_changed'])[1 + e % 4],
           'appointment', (${idOf("appointment", `(1 + e % ${appointments})`)})::text, '{}'::jsonb,
           now() - interval '60 days' + e * (interval '60 days' / ${auditEvents})
      from generate_series(1, ${auditEvents}) e`);
}

/** Writes the rest of every room's messages: the data set at its full size. */
export async function growMessages(run: RunSql, size: DatasetSize): Promise<void> {
  await insertMessages(run, size, `${firstCount(size, "r")} + 1`, finalCount("r"));
}

/**
 * Messages `from`..`to` (SQL in r) of every room, ordered by room and sequence so the primary key
 * grows in order; then each room's counter and last activity follow its newest message, and the
 * read cursors leave some rooms unread (a third of the patients' rooms, a quarter of the doctors').
 */
async function insertMessages(run: RunSql, size: DatasetSize, from: string, to: string): Promise<void> {
  // A room's last message is `r·7919 mod 30 days` minutes old; earlier ones 7 minutes apart.
  const at = `now() - ((r * 7919) % 43200) * interval '1 minute' - (${finalCount("r")} - s) * interval '7 minutes'`;
  await run(`
    insert into messages (room_id, seq, sender_id, client_id, body, created_at, member_ids)
    select ${idOf("room", "r")}, s,
           case when (s * 13 + r) % 3 = 0 then ${idOf("doctor", doctorOf(size, "r"))} else ${idOf("patient", patientOf(size, "r"))} end,
           overlay(overlay(md5('client-' || r || '-' || s) placing '4' from 13) placing '8' from 17)::uuid,
           'Message ' || s || ' of room ' || r || ': how are you feeling today? Any change since the last visit?',
           ${at},
           -- What the insert trigger would set, given here so 2 M rows need no lookup each.
           array[${idOf("doctor", doctorOf(size, "r"))}, ${idOf("patient", patientOf(size, "r"))}]
      from generate_series(1, ${size.rooms}) r, generate_series(${from}, ${to}) s
     order by 1, 2`);
  await run(`
    update chat_rooms c set (last_seq, last_activity_at) =
      (select m.seq, m.created_at from messages m where m.room_id = c.id order by m.seq desc limit 1)`);
  await run(`
    update room_members rm
       set last_read_seq = greatest(0, c.last_seq - case when u.role = 'patient' then c.last_seq % 3 else c.last_seq % 4 end)
      from chat_rooms c, users u
     where c.id = rm.room_id and u.id = rm.user_id`);
  // The state lib/chat keeps per member on write (see lib/chat-member-state.ts), after the cursors.
  await run(`
    update room_members rm
       set last_activity_at = c.last_activity_at,
           unread_count = (select count(*) from messages m where m.room_id = rm.room_id and m.seq > rm.last_read_seq and m.sender_id <> rm.user_id),
           last_incoming_at = (select m.created_at from messages m where m.room_id = rm.room_id and m.sender_id <> rm.user_id order by m.seq desc limit 1)
      from chat_rooms c
     where c.id = rm.room_id`);
}
