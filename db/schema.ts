import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  customType,
} from "drizzle-orm/pg-core";
import {
  APPOINTMENT_STATUSES,
  CARE_DEFAULTS,
  LIMITS,
  MESSAGE_KINDS,
  ROLES,
  SEARCH_LANGUAGES,
  type MessageKind,
} from "../lib/shared/model";

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    active: boolean("active").notNull().default(true),
    mustChangePassword: boolean("must_change_password").notNull().default(false),
    /**
     * When the address was confirmed. Self-registration alone leaves it empty until the emailed link
     * is used (a patient books only once it is set); accounts made any other way (by an admin, the
     * demo data, a script) are vouched for and confirmed at once.
     */
    emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true }).defaultNow(),
    /**
     * Bumped when every session of the account must end (password changed or reset, deactivated,
     * reactivated, an admin ended them): a session made under an older version is refused.
     */
    sessionVersion: integer("session_version").notNull().default(1),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`),
    index("users_role_created_idx").on(t.role, t.createdAt),
    // Admin user list, newest first (read backwards).
    index("users_created_idx").on(t.createdAt, t.id),
    // Admin search for any part of a name or email (ilike '%…%'): one trigram index (pg_trgm) over
    // both, joined by a control character no search contains (lib/admin.ts searchText).
    index("users_search_trgm_idx").using("gin", sql`(${t.name} || chr(1) || ${t.email}) gin_trgm_ops`),
    check("users_role_check", sql`${t.role} in (${inList(ROLES)})`),
    check("users_name_length", sql`char_length(${t.name}) between 1 and ${sql.raw(String(LIMITS.nameMax))}`),
    check("users_email_length", sql`char_length(${t.email}) between 3 and ${sql.raw(String(LIMITS.emailMax))}`),
  ],
);

export const doctorProfiles = pgTable(
  "doctor_profiles",
  {
    userId: uuid("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    specialty: text("specialty").notNull(),
    bio: text("bio").notNull().default(""),
    timeZone: text("time_zone").notNull().default("Europe/London"),
    /** "I usually reply within N business days" (lib/doctors/care.ts). */
    replyDays: smallint("reply_days").notNull().default(CARE_DEFAULTS.replyDays),
    /** A conversation stays open this many days after its appointment's time. */
    replyWindowDays: smallint("reply_window_days").notNull().default(CARE_DEFAULTS.replyWindowDays),
    /** Away from this instant (inclusive) until that one (exclusive); both null when not away. */
    awayFrom: timestamp("away_from", { withTimezone: true }),
    awayUntil: timestamp("away_until", { withTimezone: true }),
    awayMessage: text("away_message").notNull().default(""),
    /** A colleague's name patients may contact meanwhile; empty for none. */
    awayColleague: text("away_colleague").notNull().default(""),
    ...timestamps,
  },
  (t) => [
    index("doctor_profiles_specialty_idx").on(t.specialty),
    // A room's doctor read once per row of a list (the reply window, the specialty): the whole
    // table is a few pages, so by the primary key PostgreSQL preferred reading all of it for each
    // room (a third of a doctor's conversation list); read from this index alone, it takes the index.
    index("doctor_profiles_user_care_idx").on(t.userId, t.replyWindowDays, t.specialty),
    check("doctor_profiles_reply_days", sql`${t.replyDays} between 1 and ${sql.raw(String(LIMITS.replyDaysMax))}`),
    check(
      "doctor_profiles_reply_window_days",
      sql`${t.replyWindowDays} between 1 and ${sql.raw(String(LIMITS.replyWindowDaysMax))}`,
    ),
    check(
      "doctor_profiles_away_period",
      sql`(${t.awayFrom} is null and ${t.awayUntil} is null) or (${t.awayFrom} < ${t.awayUntil})`,
    ),
    check(
      "doctor_profiles_away_message_length",
      sql`char_length(${t.awayMessage}) <= ${sql.raw(String(LIMITS.awayMessageMax))}`,
    ),
    check(
      "doctor_profiles_away_colleague_length",
      sql`char_length(${t.awayColleague}) <= ${sql.raw(String(LIMITS.nameMax))}`,
    ),
    check(
      "doctor_profiles_specialty_length",
      sql`char_length(${t.specialty}) between 1 and ${sql.raw(String(LIMITS.specialtyMax))}`,
    ),
    check("doctor_profiles_bio_length", sql`char_length(${t.bio}) <= ${sql.raw(String(LIMITS.bioMax))}`),
  ],
);

/** Weekly working hours in the doctor's own time zone; minutes since local midnight. */
export const workingHours = pgTable(
  "working_hours",
  {
    doctorId: uuid("doctor_id")
      .notNull()
      .references(() => doctorProfiles.userId, { onDelete: "cascade" }),
    weekday: smallint("weekday").notNull(), // 1 = Monday … 7 = Sunday (ISO)
    startMinute: smallint("start_minute").notNull(),
    endMinute: smallint("end_minute").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.doctorId, t.weekday] }),
    check("working_hours_weekday", sql`${t.weekday} between 1 and 7`),
    check(
      "working_hours_range",
      sql`${t.startMinute} >= 0 and ${t.endMinute} <= 1440 and ${t.startMinute} < ${t.endMinute}`,
    ),
  ],
);

export const appointments = pgTable(
  "appointments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    patientId: uuid("patient_id")
      .notNull()
      .references(() => users.id),
    doctorId: uuid("doctor_id")
      .notNull()
      .references(() => users.id),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    reason: text("reason").notNull(),
    status: text("status", { enum: APPOINTMENT_STATUSES }).notNull().default("requested"),
    decisionNote: text("decision_note"),
    ...timestamps,
  },
  (t) => [
    index("appointments_doctor_status_start_idx").on(t.doctorId, t.status, t.startsAt),
    index("appointments_patient_start_idx").on(t.patientId, t.startsAt),
    index("appointments_status_start_idx").on(t.status, t.startsAt),
    // A doctor's history across several statuses, newest first, stops after one page.
    index("appointments_doctor_start_idx").on(t.doctorId, t.startsAt),
    // Admin appointment list, newest first (read backwards).
    index("appointments_start_idx").on(t.startsAt, t.id),
    // A doctor's pending requests, oldest asked first: a page stops after its rows, however many wait.
    index("appointments_doctor_requested_created_idx")
      .on(t.doctorId, t.createdAt, t.id)
      .where(sql`${t.status} = 'requested'`),
    // A doctor never holds two accepted appointments at the same instant.
    uniqueIndex("appointments_doctor_accepted_slot_key")
      .on(t.doctorId, t.startsAt)
      .where(sql`${t.status} = 'accepted'`),
    // A patient asks a doctor for one time once while the request is open.
    uniqueIndex("appointments_patient_open_slot_key")
      .on(t.patientId, t.doctorId, t.startsAt)
      .where(sql`${t.status} in ('requested', 'accepted')`),
    check("appointments_status_check", sql`${t.status} in (${inList(APPOINTMENT_STATUSES)})`),
    check("appointments_distinct_people", sql`${t.patientId} <> ${t.doctorId}`),
    check(
      "appointments_reason_length",
      sql`char_length(${t.reason}) between 1 and ${sql.raw(String(LIMITS.reasonMax))}`,
    ),
    check(
      "appointments_note_length",
      sql`${t.decisionNote} is null or char_length(${t.decisionNote}) between 1 and ${sql.raw(String(LIMITS.noteMax))}`,
    ),
  ],
);

export const RESCHEDULE_STATUSES = ["pending", "accepted", "declined", "withdrawn"] as const;
export type RescheduleStatus = (typeof RESCHEDULE_STATUSES)[number];

/**
 * A proposed new time for an accepted appointment, made by one of its two people and answered by
 * the other. At most one is pending per appointment; accepting one moves the appointment.
 */
export const rescheduleProposals = pgTable(
  "reschedule_proposals",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    appointmentId: uuid("appointment_id")
      .notNull()
      .references(() => appointments.id),
    proposerId: uuid("proposer_id")
      .notNull()
      .references(() => users.id),
    /** The appointment's time when the proposal was made, for "Moved from … to …". */
    fromStartsAt: timestamp("from_starts_at", { withTimezone: true }).notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    status: text("status", { enum: RESCHEDULE_STATUSES }).notNull().default("pending"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("reschedule_proposals_one_pending_key")
      .on(t.appointmentId)
      .where(sql`${t.status} = 'pending'`),
    index("reschedule_proposals_appointment_idx").on(t.appointmentId, t.createdAt),
    check("reschedule_proposals_status_check", sql`${t.status} in (${inList(RESCHEDULE_STATUSES)})`),
    check("reschedule_proposals_moves", sql`${t.startsAt} <> ${t.fromStartsAt}`),
  ],
);

export const chatRooms = pgTable(
  "chat_rooms",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    appointmentId: uuid("appointment_id")
      .notNull()
      .unique("chat_rooms_appointment_key")
      .references(() => appointments.id),
    /** Highest sequence number handed out in this room; bumped under the row lock. */
    lastSeq: integer("last_seq").notNull().default(0),
    lastActivityAt: timestamp("last_activity_at", { withTimezone: true }).notNull().defaultNow(),
    /** Set by the doctor's "Reopen": open until then even past the reply window (lib/chat/window.ts). */
    reopenedUntil: timestamp("reopened_until", { withTimezone: true }),
    /** The doctor's away period (its start) whose automatic reply this room has had: one per period. */
    awayRepliedFor: timestamp("away_replied_for", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Admin room list, latest activity first (read backwards).
    index("chat_rooms_last_activity_idx").on(t.lastActivityAt, t.id),
    check("chat_rooms_last_seq", sql`${t.lastSeq} >= 0`),
  ],
);

export const roomMembers = pgTable(
  "room_members",
  {
    roomId: uuid("room_id")
      .notNull()
      .references(() => chatRooms.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    /** Read cursor: the highest sequence number this member has read. */
    lastReadSeq: integer("last_read_seq").notNull().default(0),
    // Kept on write by lib/chat so a member's list and counters read one index range, not one
    // index per room: the other member's messages after the cursor, the room's last activity,
    // and when the newest message from the other member was sent (null before the first).
    unreadCount: integer("unread_count").notNull().default(0),
    lastActivityAt: timestamp("last_activity_at", { withTimezone: true }).notNull().defaultNow(),
    lastIncomingAt: timestamp("last_incoming_at", { withTimezone: true }),
    // Email notifications (lib/notify): the room's last sequence number when this member was last
    // emailed about it, and when. The next email waits until they read past it or a cool-down passes.
    notifiedSeq: integer("notified_seq").notNull().default(0),
    notifiedAt: timestamp("notified_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.roomId, t.userId] }),
    index("room_members_user_idx").on(t.userId, t.roomId),
    // Conversation list, newest activity first: ascending, read backwards (the column is not null).
    index("room_members_user_activity_idx").on(t.userId, t.lastActivityAt, t.roomId),
    // Recent messages: the rooms with the newest incoming message (read backwards, nulls first).
    index("room_members_user_incoming_idx").on(t.userId, t.lastIncomingAt),
    check("room_members_last_read_seq", sql`${t.lastReadSeq} >= 0`),
    check("room_members_unread_count", sql`${t.unreadCount} >= 0`),
  ],
);

export const messages = pgTable(
  "messages",
  {
    roomId: uuid("room_id").notNull(),
    seq: integer("seq").notNull(),
    senderId: uuid("sender_id").notNull(),
    clientId: uuid("client_id").notNull(),
    body: text("body").notNull(),
    kind: text("kind").$type<MessageKind>().notNull().default("message"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** The room's two members, set on insert by a trigger (migration 0016): the search index's key of who may find it. */
    memberIds: uuid("member_ids").array(),
  },
  (t) => [
    primaryKey({ columns: [t.roomId, t.seq] }),
    uniqueIndex("messages_room_sender_client_key").on(t.roomId, t.senderId, t.clientId),
    index("messages_created_idx").on(t.createdAt),
    // Message search (lib/chat/search.ts): one full-text index per configuration it may use, keyed
    // by the room's members too, so a person's search scans only their own messages.
    ...SEARCH_LANGUAGES.map((language) =>
      index(`messages_member_${language}_search_idx`).using(
        "gin",
        t.memberIds,
        sql`to_tsvector('${sql.raw(language)}', ${t.body})`,
      ),
    ),
    // A person's messages newest first (one index per place in member_ids, whose order is the ids'):
    // message search reads these first when every word typed is common (lib/chat/search.ts).
    index("messages_first_member_time_idx").on(sql`(${t.memberIds}[1])`, t.createdAt),
    index("messages_second_member_time_idx").on(sql`(${t.memberIds}[2])`, t.createdAt),
    // Only a member of the room may have written into it.
    foreignKey({
      name: "messages_member_fk",
      columns: [t.roomId, t.senderId],
      foreignColumns: [roomMembers.roomId, roomMembers.userId],
    }),
    check("messages_seq_positive", sql`${t.seq} > 0`),
    check("messages_kind", sql`${t.kind} in (${inList(MESSAGE_KINDS)})`),
    // Empty only for a message of files alone (lib/attachments checks it has some).
    check("messages_body_length", sql`char_length(${t.body}) between 0 and ${sql.raw(String(LIMITS.messageMax))}`),
  ],
);

/**
 * What a member has typed into a room and not sent, kept so it follows them to another device.
 * Removed by a trigger when they send a message into that room (db/migrations/0015_care_workflow.sql).
 */
export const drafts = pgTable(
  "drafts",
  {
    roomId: uuid("room_id").notNull(),
    userId: uuid("user_id").notNull(),
    body: text("body").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.roomId, t.userId] }),
    index("drafts_user_idx").on(t.userId),
    foreignKey({
      name: "drafts_member_fk",
      columns: [t.roomId, t.userId],
      foreignColumns: [roomMembers.roomId, roomMembers.userId],
    }).onDelete("cascade"),
    check("drafts_body_length", sql`char_length(${t.body}) between 1 and ${sql.raw(String(LIMITS.messageMax))}`),
  ],
);

export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    actorId: uuid("actor_id").references(() => users.id),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Ascending, read backwards for "newest first": drizzle's .desc() writes DESC NULLS LAST,
    // which ORDER BY … DESC (nulls first) cannot use, so the log was sorted in full.
    index("audit_events_created_idx").on(t.createdAt, t.id),
    index("audit_events_actor_created_idx").on(t.actorId, t.createdAt),
    // "Action starts with": text_pattern_ops lets a prefix LIKE read an index range whatever the collation.
    index("audit_events_action_pattern_idx").on(t.action.op("text_pattern_ops"), t.createdAt),
  ],
);

/**
 * Token buckets for abuse limits (failed sign-ins, registrations, message sends), kept in the
 * database so every app instance counts against the same bucket.
 */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    tokens: doublePrecision("tokens").notNull(),
    /** Whether the latest attempt got a token: the upsert's answer. */
    allowed: boolean("allowed").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("rate_limits_updated_idx").on(t.updatedAt)],
);

/**
 * Every sign-in: sessions are JWT cookies, and this row is what makes one valid. A session is valid
 * while its row is not revoked (signing out), not past `expiresAt` (an absolute limit from the
 * sign-in, which renewing the cookie never moves) and made under the account's current
 * `session_version`. A row is kept until `expiresAt`, as long as any cookie of it could be valid.
 */
export const userSessions = pgTable(
  "user_sessions",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [
    // An account's sessions that may still be valid, for the admin's count.
    index("user_sessions_user_expires_idx").on(t.userId, t.expiresAt),
    index("user_sessions_expires_idx").on(t.expiresAt),
  ],
);

export const ACCOUNT_TOKEN_PURPOSES = ["password-reset", "email-verification"] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

/**
 * Single-use links sent by email (password reset, email verification), stored only as the SHA-256
 * of the token: the database alone never lets anyone use one.
 */
export const accountTokens = pgTable(
  "account_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ACCOUNT_TOKEN_PURPOSES }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [
    index("account_tokens_user_idx").on(t.userId, t.purpose),
    index("account_tokens_expires_idx").on(t.expiresAt),
    check("account_tokens_purpose", sql`${t.purpose} in (${inList(ACCOUNT_TOKEN_PURPOSES)})`),
  ],
);

/**
 * Whole-table counts for the admin overview, kept by statement triggers (migration 0008) so the
 * overview never counts 100 000 appointments. Writers only append a delta row, so no two
 * transactions ever wait on a shared counter; readers add the deltas to the totals and fold them in.
 * Names: `users.<role>`, `appointments.<status>`, `rooms.open` (rooms of accepted or completed visits).
 */
export const statTotals = pgTable("stat_totals", {
  name: text("name").primaryKey(),
  value: bigint("value", { mode: "number" }).notNull(),
});

export const statDeltas = pgTable("stat_deltas", {
  name: text("name").notNull(),
  delta: bigint("delta", { mode: "number" }).notNull(),
});

/**
 * Messages per hour, for "messages in the last 24 hours" without counting them one by one. Each
 * room writes to one of 32 shards of its hour, so rooms rarely wait on one another's counter.
 */
export const messageHourCounts = pgTable(
  "message_hour_counts",
  {
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    shard: smallint("shard").notNull(),
    count: bigint("count", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.hour, t.shard] })],
);

export const MESSAGE_EMAIL_MODES = ["each", "digest", "none"] as const;
export type MessageEmailMode = (typeof MESSAGE_EMAIL_MODES)[number];

/**
 * What a person wants to be emailed about. No row means the defaults: an email for each message
 * left unread, appointment emails on.
 */
export const notificationSettings = pgTable(
  "notification_settings",
  {
    userId: uuid("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    messageEmails: text("message_emails", { enum: MESSAGE_EMAIL_MODES }).notNull().default("each"),
    /** The hour (0–23, in `timeZone`) of the daily digest. */
    digestHour: smallint("digest_hour").notNull().default(8),
    appointmentEmails: boolean("appointment_emails").notNull().default(true),
    timeZone: text("time_zone").notNull().default("Europe/London"),
    updatedAt: timestamp("updated_at", { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    // The digest's hourly pass reads only the people who chose it.
    index("notification_settings_digest_idx")
      .on(t.digestHour)
      .where(sql`${t.messageEmails} = 'digest'`),
    check("notification_settings_mode", sql`${t.messageEmails} in (${inList(MESSAGE_EMAIL_MODES)})`),
    check("notification_settings_hour", sql`${t.digestHour} between 0 and 23`),
  ],
);

/**
 * One row per email job that reached the mail transport, written before the send and marked sent
 * after it: a job retried after a crash finds its row and never sends twice what was handed over.
 * Holds the kind and the recipient only, never the content.
 */
export const emailDeliveries = pgTable(
  "email_deliveries",
  {
    jobId: text("job_id").primaryKey(),
    kind: text("kind").notNull(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    status: text("status", { enum: ["sending", "sent"] }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [index("email_deliveries_sent_idx").on(t.sentAt)],
);

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });

/**
 * Stored bytes (lib/attachments/storage.ts), apart from every table a page reads: one row per blob,
 * complete once its last chunk is in, and its chunks of at most 256 KiB each.
 */
export const fileBlobs = pgTable(
  "file_blobs",
  {
    key: uuid("key").primaryKey(),
    size: bigint("size", { mode: "number" }).notNull().default(0),
    complete: boolean("complete").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("file_blobs_incomplete_idx")
      .on(t.createdAt)
      .where(sql`not ${t.complete}`),
  ],
);

export const fileChunks = pgTable(
  "file_chunks",
  {
    key: uuid("key")
      .notNull()
      .references(() => fileBlobs.key, { onDelete: "cascade" }),
    n: integer("n").notNull(),
    data: bytea("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.n] })],
);

export const ATTACHMENT_KINDS = ["image", "document"] as const;

/**
 * A file uploaded into a room: unsent (message_seq null) until a message of its uploader takes it,
 * deleted after an hour if none does. The name is the sanitised original, for display only.
 */
export const attachments = pgTable(
  "attachments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    roomId: uuid("room_id")
      .notNull()
      .references(() => chatRooms.id, { onDelete: "cascade" }),
    uploaderId: uuid("uploader_id")
      .notNull()
      .references(() => users.id),
    messageSeq: integer("message_seq"),
    position: smallint("position").notNull().default(0),
    kind: text("kind", { enum: ATTACHMENT_KINDS }).notNull(),
    name: text("name").notNull(),
    mediaType: text("media_type").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    width: integer("width"),
    height: integer("height"),
    blobKey: uuid("blob_key").notNull(),
    thumbnailKey: uuid("thumbnail_key"),
    thumbnailWidth: integer("thumbnail_width"),
    thumbnailHeight: integer("thumbnail_height"),
    /** Why a file is offered as a download only (an iPhone photo the server could not convert). */
    note: text("note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("attachments_message_idx").on(t.roomId, t.messageSeq, t.position),
    index("attachments_uploader_idx").on(t.uploaderId),
    index("attachments_unsent_idx")
      .on(t.createdAt)
      .where(sql`${t.messageSeq} is null`),
    check("attachments_kind", sql`${t.kind} in (${inList(ATTACHMENT_KINDS)})`),
    check("attachments_size", sql`${t.size} >= 0`),
  ],
);

export type User = typeof users.$inferSelect;
export type Appointment = typeof appointments.$inferSelect;
export type ChatRoom = typeof chatRooms.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
