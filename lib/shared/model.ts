/**
 * The product's vocabulary, with no dependencies: the database schema, the zod schemas, the server
 * and the browser's forms all read roles, statuses and field limits from here.
 */

export const ROLES = ["patient", "doctor", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const APPOINTMENT_STATUSES = ["requested", "accepted", "declined", "cancelled", "completed"] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/**
 * What a line in a thread is: a person's message, the automatic reply sent for a doctor who is away
 * (marked as such, never mistaken for the doctor's own words), or a system line recording a change
 * to the appointment ("Moved from … to …").
 */
export const MESSAGE_KINDS = ["message", "auto_reply", "system"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Limits shared by the database checks, the zod schemas and the forms' hints. */
export const LIMITS = {
  nameMax: 100,
  emailMax: 254,
  passwordMin: 10,
  passwordMax: 200,
  specialtyMax: 100,
  bioMax: 1000,
  reasonMax: 500,
  noteMax: 500,
  messageMax: 2000,
  awayMessageMax: 300,
  replyDaysMax: 10,
  replyWindowDaysMax: 90,
} as const;

/**
 * What a doctor promises patients by default (lib/doctors/care.ts): an answer within this many
 * business days, and a conversation that stays open this many days after the appointment's time.
 */
export const CARE_DEFAULTS = { replyDays: 2, replyWindowDays: 14 } as const;

/**
 * The PostgreSQL text-search configurations message search may use (SEARCH_LANGUAGE); each has its
 * GIN expression index on messages.body, so whichever is chosen is served by an index.
 */
export const SEARCH_LANGUAGES = ["simple", "english"] as const;
export type SearchLanguage = (typeof SEARCH_LANGUAGES)[number];

/**
 * The typing indicator: a member's typing reaches the other member at most once per `throttleMs`,
 * and the indicator goes away `expireMs` after the last one (so a closed tab never leaves it on).
 */
export const TYPING = { throttleMs: 3_000, expireMs: 6_000 } as const;
