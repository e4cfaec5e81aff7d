import path from "node:path";
import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { appointments, attachments, doctorProfiles, fileBlobs, rateLimits, users } from "@/db/schema";
import { uploadAttachment } from "@/lib/attachments/upload";
import { sendMessage as sendChatMessage } from "@/lib/chat/messages";
import { seedDemoData } from "@/db/seed";
import { patientAppointments } from "@/lib/appointments/lists";
import { setWorkingHours, workingHoursOf } from "@/lib/doctors/working-hours";
import { findBookableDoctor } from "@/lib/doctors/directory";
import { threadPage } from "@/lib/chat/messages";
import { findUserByEmail, findUserById, verifyCredentials } from "@/lib/users/accounts";
import { setupTestDatabase } from "@/test/db";
import { freshAddress, Redirected, request } from "@/test/matrix/request";
import {
  actAs,
  ATTEMPT_TRACES,
  DEMO_PASSWORD,
  freeSlotPool,
  loadPeople,
  makeAppointment,
  makeRoom,
  tableDigests,
  unique,
  userOf,
  withoutTables,
  type Caller,
  type People,
} from "@/test/matrix/world";

// ---------------------------------------------------------------- a fake request around the real app

vi.mock("@/lib/auth/auth-js", async () => (await import("@/test/matrix/auth-module")).fakeAuthModule());
vi.mock("next-auth", async () => (await import("@/test/matrix/request")).nextAuthModule);
vi.mock("next/navigation", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  ...(await import("@/test/matrix/request")).navigation,
}));
vi.mock("next/headers", async () => (await import("@/test/matrix/request")).headersModule);
vi.mock("next/cache", () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn(), updateTag: vi.fn() }));
vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  connection: async () => {},
  after: () => {},
}));

// These suites file hundreds of requests as one demo patient; the flood limits have their own tests
// (lib/appointments/flood.test.ts).
vi.stubEnv("PENDING_REQUESTS_PER_DOCTOR", "1000");
vi.stubEnv("PENDING_REQUESTS_TOTAL", "10000");

const t = setupTestDatabase();
const db = () => t.handle.db;
let people: People;
/** The patient's and the doctor's room, and one of two other people. */
let room: { roomId: string; appointmentId: string };
let strangersRoom: { roomId: string; appointmentId: string };
let strangersAppointment: string;
let slots: Date[] = [];
let doctorTimeZone = "Europe/London";

beforeAll(async () => {
  expect(await seedDemoData(db())).toBe(true);
  people = await loadPeople();
  room = await makeRoom(db(), people.patient.id, people.doctor.id);
  strangersRoom = await makeRoom(db(), people.otherPatient.id, people.otherDoctor.id);
  strangersAppointment = await makeAppointment(db(), {
    patientId: people.otherPatient.id,
    doctorId: people.otherDoctor.id,
  });
  doctorTimeZone = (await findBookableDoctor(people.doctor.id))!.timeZone;
  slots = await freeSlotPool(people.doctor.id, doctorTimeZone, 40);
});

beforeEach(async () => {
  // Abuse limits are tested elsewhere; here every case starts with full buckets.
  await db().delete(rateLimits);
  freshAddress();
});

// ---------------------------------------------------------------- payloads

const MB = "x".repeat(1024 * 1024);
const UNEXPECTED = "Something went wrong on our side and nothing was changed. Please try again.";

/** Text a person may write: stored and read back exactly as sent. */
const KEPT: [string, string][] = [
  ["emoji", "Thank you 🙏🏽 see you soon 👩‍⚕️👨‍👩‍👧"],
  ["right-to-left text", "مرحبا، أشعر بألم في صدري"],
  ["Hebrew with direction marks", "שלום\u200f world\u200e!"],
  [
    "combining marks (Zalgo)",
    "Z\u0351\u0308\u0310a\u0337\u0321\u0322l\u0338\u0328\u0301g\u0335\u0322\u0300o\u0334\u0327\u0303",
  ],
  ["SQL-looking text", "'; drop table users; --"],
  ["a script tag", "<script>alert(1)</script>"],
  ["an image with onerror", "<img src=x onerror=alert(1)>"],
  ["quotes, entities and backticks", `"double" 'single' \`tick\` &amp; &lt;b&gt;`],
  ["CJK", "胸が痛いです。"],
  ["mathematical letters (astral plane)", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢"],
];

/**
 * A name as Carebridge keeps it: compatibility forms folded (NFKC) and the invisible characters that
 * can disguise a name removed (zero-width, direction marks and overrides, isolates, BOM, ALM).
 */
const keptName = (text: string) =>
  text.normalize("NFKC").replace(/[\u200b-\u200f\u2060\ufeff\u061c\u202a-\u202e\u2066-\u2069]/g, "");

/** Control characters: removed (NUL included, which PostgreSQL cannot store), line breaks and tabs kept. */
const CLEANED: [string, string, string][] = [
  ["a NUL byte", "before\u0000after", "beforeafter"],
  ["a bell", "ding\u0007dong", "dingdong"],
  ["terminal escape sequences", "\u001b[31mred\u001b[0m", "[31mred[0m"],
  ["DEL and backspace", "a\u007fb\u0008c", "abc"],
];

/** Malformed ids: answered as not found. */
const BAD_IDS: [string, unknown][] = [
  ["a non-UUID", "not-a-uuid"],
  ["SQL in the id", "'; drop table appointments; --"],
  ["a path", "../../etc/passwd"],
  ["a 1 MB id", MB],
  ["a number", 42],
  ["null", null],
  ["an array of a UUID", ["3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"]],
  ["an object", { $ne: null }],
  ["an unknown UUID", "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"],
  ["a UUID with a NUL", "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b\u0000"],
];

/** Values for a whole-number field. */
const BAD_NUMBERS: [string, unknown][] = [
  ["-1", -1],
  ["1.5", 1.5],
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["the string NaN", "NaN"],
  ["the string Infinity", "Infinity"],
  ["1e308", 1e308],
  ["2^31", 2 ** 31],
  ["a huge numeric string", "9".repeat(400)],
  ["an object", { valueOf: 3 }],
  ["a 1 MB string", MB],
];

// ---------------------------------------------------------------- answers

/** An action's or a handler's answer, in one shape. */
type Answer =
  | { kind: "action"; ok: true; data?: unknown; redirect?: string }
  | { kind: "action"; ok: false; message: string; fieldErrors?: Record<string, string[] | undefined> }
  | { kind: "handler"; status: number; body: Record<string, unknown> };

async function actionAnswer(call: () => Promise<unknown>): Promise<Answer> {
  try {
    const result = (await call()) as
      { ok: boolean; message?: string; data?: unknown; fieldErrors?: Record<string, string[] | undefined> } | undefined;
    if (result === undefined || result.ok) return { kind: "action", ok: true, data: result?.data };
    return { kind: "action", ok: false, message: result.message!, fieldErrors: result.fieldErrors };
  } catch (error) {
    if (error instanceof Redirected) return { kind: "action", ok: true, redirect: error.path };
    throw error;
  }
}

const ORIGIN = "http://localhost:3000";

async function handlerAnswer(
  file: string,
  method: "GET" | "POST",
  url: string,
  options: { params?: Record<string, string>; body?: string; headers?: Record<string, string | null> } = {},
): Promise<Answer> {
  const routeModule = (await import(path.join(process.cwd(), "app", file))) as Record<string, unknown>;
  const handler = routeModule[method] as (
    request: NextRequest,
    context: { params: Promise<Record<string, string>> },
  ) => Promise<Response>;
  const abort = new AbortController();
  const headers = Object.fromEntries(
    Object.entries({
      host: "localhost:3000",
      origin: ORIGIN,
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      ...options.headers,
    }).filter((entry): entry is [string, string] => entry[1] !== null),
  );
  const response = await handler(
    new NextRequest(new URL(url, ORIGIN), { method, body: options.body, headers, signal: abort.signal }),
    {
      params: Promise.resolve(options.params ?? {}),
    },
  );
  if (response.headers.get("content-type")?.startsWith("text/event-stream")) {
    abort.abort();
    await response.body?.cancel().catch(() => {});
    return { kind: "handler", status: response.status, body: {} };
  }
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${method} ${url} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { kind: "handler", status: response.status, body };
}

// ---------------------------------------------------------------- cases

interface Case {
  target: string;
  label: string;
  caller: Caller;
  /** Makes the row the case acts on, before the database is snapshotted. */
  setup?: () => Promise<string>;
  run: (fixture: string) => Promise<Answer>;
  /** A refusal: its message (or a pattern of it), and for handlers the status. */
  refused?: string | RegExp;
  status?: number;
  /** An acceptance, and what must be stored. */
  accepted?: (answer: Answer) => Promise<void>;
  /** Tables a refused attempt may still write (an audit line of a failed sign-in). */
  traces?: readonly string[];
  /** Puts back what an accepted case changed that later cases rely on. */
  undo?: () => Promise<void>;
}

const cases: Case[] = [];
const add = (c: Case) => cases.push(c);
const raw = (value: unknown) => value as never;
const load = async (file: string) =>
  (await import(path.join(process.cwd(), "app", file))) as Record<string, (...args: never[]) => Promise<unknown>>;
const action =
  (file: string, name: string) =>
  async (...args: unknown[]) =>
    (await load(file))[name]!(...(args as never[]));
const form = (fields: Record<string, string | Blob>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};

const sendMessage = action("chat/actions.ts", "sendMessageAction");
const changeAppointment = action("appointment-actions.ts", "changeAppointmentAction");
const requestAppointment = action("(patient)/patient/actions.ts", "requestAppointmentAction");
const saveWorkingHours = action("(doctor)/doctor/actions.ts", "saveWorkingHoursAction");
const createDoctor = action("(admin)/admin/actions.ts", "createDoctorAction");
const setUserActive = action("(admin)/admin/actions.ts", "setUserActiveAction");
const adminCancel = action("(admin)/admin/actions.ts", "adminCancelAppointmentAction");
const changePassword = action("account/actions.ts", "changePasswordAction");
const signOut = action("actions.ts", "signOutAction");
const login = action("(auth)/actions.ts", "loginAction");
const register = action("(auth)/actions.ts", "registerAction");

/** The stored body of the message the patient sent with this client id, read as the thread does. */
async function storedMessage(clientId: string): Promise<string | undefined> {
  const page = await threadPage({ roomId: room.roomId, userId: people.doctor.id, limit: 200 });
  return page.messages.find((m) => m.clientId === clientId)?.body;
}

// ---- sendMessageAction

{
  const target = "sendMessageAction";
  /** A valid message with these fields changed; built when the case runs (the room exists by then). */
  const send = (change: () => Record<string, unknown>) => () =>
    actionAnswer(() =>
      sendMessage(raw({ roomId: room.roomId, clientId: crypto.randomUUID(), body: "Hello.", ...change() })),
    );
  for (const [label, body] of KEPT) {
    const clientId = crypto.randomUUID();
    add({
      target,
      label: `a body of ${label}`,
      caller: "patient",
      run: send(() => ({ clientId, body })),
      async accepted() {
        expect(await storedMessage(clientId)).toBe(body);
        // And through the endpoint the thread polls, byte for byte.
        const answer = await handlerAnswer(
          "api/rooms/[roomId]/messages/route.ts",
          "GET",
          `/api/rooms/${room.roomId}/messages`,
          { params: { roomId: room.roomId } },
        );
        const listed =
          answer.kind === "handler"
            ? (answer.body.messages as { clientId: string; body: string }[]).find((m) => m.clientId === clientId)
            : undefined;
        expect(listed?.body).toBe(body);
      },
    });
  }
  {
    const clientId = crypto.randomUUID();
    const body = "invoice \u202Efdp.exe";
    add({
      target,
      label: "a right-to-left override inside a message (kept: it is the writer's own text)",
      caller: "patient",
      run: send(() => ({ clientId, body })),
      accepted: async () => expect(await storedMessage(clientId)).toBe(body),
    });
  }
  for (const [label, body, stored] of CLEANED) {
    const clientId = crypto.randomUUID();
    add({
      target,
      label: `a body with ${label}`,
      caller: "patient",
      run: send(() => ({ clientId, body })),
      accepted: async () => expect(await storedMessage(clientId)).toBe(stored),
    });
  }
  for (const [label, body] of [
    ["a 1 MB body", MB],
    ["2001 characters", "y".repeat(2001)],
    ["3000 combining marks on one letter", `a${"\u0301".repeat(3000)}`],
  ] as const) {
    add({
      target,
      label,
      caller: "patient",
      run: send(() => ({ body })),
      refused: "A message has at most 2000 characters.",
    });
  }
  for (const [label, body] of [
    ["an empty body", ""],
    ["only NUL bytes", "\u0000\u0000"],
    ["only zero-width characters", "\u200b\u200d\u2060"],
    ["a number body", 42],
    ["a null body", null],
    ["an array body", ["Hello."]],
    ["an object body", { toString: "Hello." }],
    ["a missing body", undefined],
  ] as const) {
    add({ target, label, caller: "patient", run: send(() => ({ body })), refused: "Write a message first." });
  }
  for (const [label, roomId] of BAD_IDS) {
    add({
      target,
      label: `a room id that is ${label}`,
      caller: "patient",
      run: send(() => ({ roomId })),
      refused: "That conversation was not found.",
    });
  }
  add({
    target,
    label: "another couple's room",
    caller: "patient",
    run: send(() => ({ roomId: strangersRoom.roomId })),
    refused: "That conversation was not found.",
  });
  add({
    target,
    label: "a real id of another kind (an appointment's)",
    caller: "patient",
    run: send(() => ({ roomId: room.appointmentId })),
    refused: "That conversation was not found.",
  });
  for (const [label, clientId] of BAD_IDS.slice(0, 8)) {
    add({
      target,
      label: `a client id that is ${label}`,
      caller: "patient",
      run: send(() => ({ clientId })),
      refused: "This message has no valid id. Reload the page and try again.",
    });
  }
  for (const [label, seenSeq] of BAD_NUMBERS) {
    add({
      target,
      label: `a seen sequence number of ${label}`,
      caller: "patient",
      run: send(() => ({ seenSeq })),
      refused: /./,
    });
  }
  add({
    target,
    label: "extra fields (another sender, a chosen sequence number and time) are ignored",
    caller: "patient",
    run: send(() => ({
      senderId: people.doctor.id,
      seq: 999,
      createdAt: "1999-01-01T00:00:00Z",
      body: "Extra fields ride along.",
    })),
    async accepted(answer) {
      const data = (answer as { data: { senderId: string; seq: number; createdAt: string } }).data;
      expect(data.senderId).toBe(people.patient.id);
      expect(data.seq).not.toBe(999);
      expect(new Date(data.createdAt).getUTCFullYear()).toBeGreaterThan(2000);
    },
  });
  {
    const clientId = crypto.randomUUID();
    add({
      target,
      label: "__proto__ and constructor keys",
      caller: "patient",
      run: () =>
        actionAnswer(() =>
          sendMessage(
            JSON.parse(
              `{"roomId":"${room.roomId}","clientId":"${clientId}","body":"Proto.","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}`,
            ),
          ),
        ),
      accepted: async () => expect(await storedMessage(clientId)).toBe("Proto."),
    });
  }
  for (const [label, input] of [
    ["null input", null],
    ["undefined input", undefined],
    ["a string input", "hello"],
    ["an array input", ["3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", "hello"]],
  ] as const) {
    add({ target, label, caller: "patient", run: () => actionAnswer(() => sendMessage(raw(input))), refused: /./ });
  }
}

// ---- POST /api/rooms/:roomId/read

{
  const target = "POST /api/rooms/:roomId/read";
  const read =
    (body: string, options: { roomId?: string; headers?: Record<string, string | null> } = {}) =>
    () => {
      const roomId = options.roomId ?? room.roomId;
      return handlerAnswer(
        "api/rooms/[roomId]/read/route.ts",
        "POST",
        `/api/rooms/${encodeURIComponent(roomId)}/read`,
        {
          params: { roomId },
          body,
          headers: options.headers,
        },
      );
    };
  for (const [label, roomId] of BAD_IDS.filter(([, v]) => typeof v === "string")) {
    add({
      target,
      label: `a room id that is ${label}`,
      caller: "patient",
      run: read(JSON.stringify({ seq: 1 }), { roomId: roomId as string }),
      refused: "That conversation was not found.",
      status: /unknown UUID/.test(label) ? 404 : 400,
    });
  }
  add({
    target,
    label: "another couple's room",
    caller: "patient",
    run: () => read(JSON.stringify({ seq: 1 }), { roomId: strangersRoom.roomId })(),
    refused: "That conversation was not found.",
    status: 404,
  });
  for (const [label, seq] of [
    ...BAD_NUMBERS,
    ["a missing seq", undefined] as [string, unknown],
    ["an array", [1, 2]] as [string, unknown],
  ]) {
    add({
      target,
      label: `a seq of ${label}`,
      caller: "patient",
      run: read(JSON.stringify({ seq })),
      refused: /./,
      status: label === "a 1 MB string" ? 413 : 400,
    });
  }
  for (const [label, body] of [
    ["malformed JSON", "{"],
    ["an empty body", ""],
    ["JSON null", "null"],
    ["a JSON array", "[1]"],
  ] as const) {
    add({ target, label, caller: "patient", run: read(body), refused: /./, status: 400 });
  }
  add({
    target,
    label: "a forged request from another site",
    caller: "patient",
    run: read(JSON.stringify({ seq: 1 }), { headers: { origin: "https://evil.example" } }),
    refused: /did not come from a Carebridge page/,
    status: 403,
  });
}

// ---- changeAppointmentAction

{
  const target = "changeAppointmentAction";
  const requested = () => makeAppointment(db(), { patientId: people.patient.id, doctorId: people.doctor.id });
  for (const [label, appointmentId] of BAD_IDS) {
    add({
      target,
      label: `an appointment id that is ${label}`,
      caller: "doctor",
      run: () => actionAnswer(() => changeAppointment(raw({ appointmentId, action: "accept" }))),
      refused: "That appointment was not found.",
    });
  }
  add({
    target,
    label: "another doctor's appointment",
    caller: "doctor",
    run: () => actionAnswer(() => changeAppointment({ appointmentId: strangersAppointment, action: "accept" })),
    refused: "That appointment was not found.",
  });
  add({
    target,
    label: "another patient's appointment, cancelled",
    caller: "patient",
    run: () => actionAnswer(() => changeAppointment({ appointmentId: strangersAppointment, action: "cancel" })),
    refused: "That appointment was not found.",
  });
  for (const [label, verb] of [
    ["an unknown action", "delete"],
    ["an action in capitals", "ACCEPT"],
    ["an action with a space", "accept "],
    ["__proto__ as the action", "__proto__"],
    ["toString as the action", "toString"],
    ["an array action", ["accept"]],
    ["a number action", 1],
    ["a missing action", undefined],
  ] as const) {
    add({
      target,
      label,
      caller: "doctor",
      setup: requested,
      run: (appointmentId) => actionAnswer(() => changeAppointment(raw({ appointmentId, action: verb }))),
      refused: "That action is not available.",
    });
  }
  const declineWith = (note: unknown) => (appointmentId: string) => {
    declined.push(appointmentId);
    return actionAnswer(() => changeAppointment(raw({ appointmentId, action: "decline", note })));
  };
  const declined: string[] = [];
  const lastNote = async () => {
    const { upcoming, past } = await patientAppointments(people.patient.id);
    return [...upcoming, ...past].find((a) => a.id === declined.at(-1))?.decisionNote;
  };
  for (const [label, note] of KEPT) {
    add({
      target,
      label: `a decline note of ${label}`,
      caller: "doctor",
      setup: requested,
      run: declineWith(note),
      accepted: async () => expect(await lastNote()).toBe(note),
    });
  }
  for (const [label, note, stored] of CLEANED) {
    add({
      target,
      label: `a decline note with ${label}`,
      caller: "doctor",
      setup: requested,
      run: declineWith(note),
      accepted: async () => expect(await lastNote()).toBe(stored),
    });
  }
  add({
    target,
    label: "a 1 MB decline note",
    caller: "doctor",
    setup: requested,
    run: declineWith(MB),
    refused: "Use at most 500 characters.",
  });
  for (const [label, note] of [
    ["a decline note of only control characters", "\u0000\u0007"],
    ["a number note", 42],
    ["an array note", ["Busy."]],
  ] as const) {
    add({ target, label, caller: "doctor", setup: requested, run: declineWith(note), refused: /./ });
  }
}

// ---- requestAppointmentAction

{
  const target = "requestAppointmentAction";
  let next = 0;
  const slot = () => slots[next++]!.toISOString();
  /** A valid request with these fields changed; built when the case runs. */
  const requestWith = (change: () => Record<string, string | Blob>) => () =>
    actionAnswer(() =>
      requestAppointment(
        null,
        form({ doctorId: people.doctor.id, startsAt: slots[0]!.toISOString(), reason: "A check-up.", ...change() }),
      ),
    );
  const newest = async (answer: Answer) => {
    const id = (answer as { redirect: string }).redirect.split("requested=")[1];
    return (await patientAppointments(people.patient.id)).upcoming.find((a) => a.id === id);
  };
  for (const [label, reason] of KEPT) {
    add({
      target,
      label: `a reason of ${label}`,
      caller: "patient",
      run: requestWith(() => ({ startsAt: slot(), reason })),
      accepted: async (a) => expect((await newest(a))?.reason).toBe(reason),
    });
  }
  for (const [label, reason, stored] of CLEANED) {
    add({
      target,
      label: `a reason with ${label}`,
      caller: "patient",
      run: requestWith(() => ({ startsAt: slot(), reason })),
      accepted: async (a) => expect((await newest(a))?.reason).toBe(stored),
    });
  }
  add({
    target,
    label: "extra fields (another patient, a status) are ignored",
    caller: "patient",
    run: requestWith(() => ({
      startsAt: slot(),
      reason: "Extra.",
      patientId: people.otherPatient.id,
      status: "accepted",
    })),
    async accepted(answer) {
      const id = (answer as { redirect: string }).redirect.split("requested=")[1]!;
      const [row] = await db().select().from(appointments).where(eq(appointments.id, id));
      expect(row).toMatchObject({ patientId: people.patient.id, status: "requested" });
    },
  });
  add({
    target,
    label: "a 1 MB reason",
    caller: "patient",
    run: requestWith(() => ({ reason: MB })),
    refused: "Use at most 500 characters.",
  });
  add({
    target,
    label: "a reason that is a file",
    caller: "patient",
    run: requestWith(() => ({ reason: new Blob(["A file."]) })),
    refused: "Enter the reason for your visit.",
  });
  add({
    target,
    label: "a reason of only control characters",
    caller: "patient",
    run: requestWith(() => ({ reason: "\u0000\u0001\u0002" })),
    refused: "Enter the reason for your visit.",
  });
  for (const [label, doctorId] of BAD_IDS.filter(([, v]) => typeof v === "string")) {
    add({
      target,
      label: `a doctor id that is ${label}`,
      caller: "patient",
      run: requestWith(() => ({ doctorId: doctorId as string })),
      refused: /^That doctor was not found/,
    });
  }
  add({
    target,
    label: "a patient's id as the doctor",
    caller: "patient",
    run: requestWith(() => ({ doctorId: people.otherPatient.id })),
    refused: "That doctor was not found or is not taking appointments.",
  });
  add({
    target,
    label: "the admin's id as the doctor",
    caller: "patient",
    run: requestWith(() => ({ doctorId: people.admin.id })),
    refused: "That doctor was not found or is not taking appointments.",
  });
  add({
    target,
    label: "the patient's own id as the doctor",
    caller: "patient",
    run: requestWith(() => ({ doctorId: people.patient.id })),
    refused: "That doctor was not found or is not taking appointments.",
  });
  for (const [label, startsAt, message] of [
    ["NaN", "NaN", "Choose a time from the list."],
    ["Infinity", "Infinity", "Choose a time from the list."],
    ["-1", "-1", "Choose a time from the list."],
    ["a 1 MB time", MB, "Choose a time from the list."],
    ["an impossible date", "2032-13-45T25:61:00Z", "Choose a time from the list."],
    ["the largest JavaScript date", "+275760-09-13T00:00:00.000Z", "Choose a time from the list."],
    ["SQL in the time", "2032-01-01T10:00:00Z'; drop table appointments; --", "Choose a time from the list."],
    ["the year 1970", "1970-01-01T10:00:00Z", /./],
    ["the year 9999", "9999-12-31T10:00:00Z", /./],
    ["a time off the half-hour grid", "seven minutes past a free slot", /./],
  ] as const) {
    const at = () =>
      startsAt === "seven minutes past a free slot"
        ? new Date(slots[0]!.getTime() + 7 * 60_000).toISOString()
        : startsAt;
    add({
      target,
      label: `a start time of ${label}`,
      caller: "patient",
      run: requestWith(() => ({ startsAt: at() })),
      refused: message,
    });
  }
  add({
    target,
    label: "an empty form",
    caller: "patient",
    run: () => actionAnswer(() => requestAppointment(null, new FormData())),
    refused: /./,
  });
}

// ---- saveWorkingHoursAction

{
  const target = "saveWorkingHoursAction";
  const week = () =>
    [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, enabled: weekday <= 5, start: "09:00", end: "17:00" }));
  const save = (input: unknown) => () => actionAnswer(() => saveWorkingHours(raw(input)));
  for (const [label, timeZone] of [
    ["SQL", "Europe/London'; drop table users; --"],
    ["1 MB", MB],
    ["__proto__", "__proto__"],
    ["a path", "../../etc/passwd"],
    ["a number", 42],
    ["null", null],
    ["an array", ["Europe/London"]],
    ["a NUL byte", "Europe/London\u0000"],
  ] as const) {
    add({
      target,
      label: `a time zone of ${label}`,
      caller: "doctor",
      run: save({ timeZone, days: week() }),
      refused: "Choose a time zone from the list.",
    });
  }
  for (const [label, days] of [
    ["a string", "mon-fri"],
    ["null", null],
    ["an object", { 0: week()[0] }],
    ["six days", week().slice(0, 6)],
    ["eight days", [...week(), week()[0]]],
    ["100 000 days", Array.from({ length: 100_000 }, () => week()[0])],
    ["the same day seven times", Array.from({ length: 7 }, () => week()[0])],
  ] as const) {
    add({
      target,
      label: `days given as ${label}`,
      caller: "doctor",
      run: save({ timeZone: "Europe/London", days }),
      refused: /./,
    });
  }
  for (const [label, change] of [
    ["weekday 0", { weekday: 0 }],
    ["weekday 8", { weekday: 8 }],
    ["weekday NaN", { weekday: NaN }],
    ["weekday Infinity", { weekday: Infinity }],
    ["weekday '1'", { weekday: "1" }],
    ["weekday 1.5", { weekday: 1.5 }],
    ["enabled 'true'", { enabled: "true" }],
    ["start 25:00", { start: "25:00" }],
    ["start 09:15", { start: "09:15" }],
    ["start 900 (a number)", { start: 900 }],
    ["a 1 MB start", { start: MB }],
    ["start after end", { start: "18:00" }],
  ] as const) {
    add({
      target,
      label: `a day with ${label}`,
      caller: "doctor",
      run: () => {
        const days: Record<string, unknown>[] = week();
        days[0] = { ...days[0], ...change };
        return save({ timeZone: "Europe/London", days })();
      },
      refused: /./,
    });
  }
  {
    let before: Awaited<ReturnType<typeof workingHoursOf>> = [];
    add({
      target,
      label: "extra fields (another doctor's id) are ignored",
      caller: "doctor",
      run: async () => {
        before = await workingHoursOf(people.doctor.id);
        return save({
          timeZone: doctorTimeZone,
          days: week(),
          doctorId: people.otherDoctor.id,
          __proto__: { polluted: "yes" },
        })();
      },
      async accepted() {
        expect(await workingHoursOf(people.doctor.id)).toHaveLength(5);
      },
      undo: async () => setWorkingHours({ doctorId: people.doctor.id, timeZone: doctorTimeZone, hours: before }),
    });
  }
}

// ---- care settings, reopening, and the reply window (issue 20)

const saveCareSettings = action("(doctor)/doctor/actions.ts", "saveCareSettingsAction");
const reopenRoom = action("(doctor)/doctor/actions.ts", "reopenRoomAction");

/** A room of the patient and the doctor whose reply window passed: its appointment was 30 days ago. */
async function closedRoom(): Promise<string> {
  const closed = await makeRoom(db(), people.patient.id, people.doctor.id);
  await db()
    .update(appointments)
    .set({ startsAt: new Date(Date.now() - 30 * 86_400_000) })
    .where(eq(appointments.id, closed.appointmentId));
  return closed.roomId;
}

{
  const target = "saveCareSettingsAction";
  const valid = {
    replyDays: "2",
    replyWindowDays: "14",
    away: "on",
    awayFrom: "2032-03-01",
    awayUntil: "2032-03-08",
    awayMessage: "At a conference.",
    awayColleague: "Dr Sam Lee",
  };
  const save = (change: Record<string, string>) => () =>
    actionAnswer(() => saveCareSettings(raw(null), raw(form({ ...valid, ...change }))));
  for (const [label, value] of [
    ["0", "0"],
    ["-1", "-1"],
    ["1.5", "1.5"],
    ["NaN", "NaN"],
    ["Infinity", "Infinity"],
    ["11 (more than ten)", "11"],
    ["a huge numeric string", "9".repeat(400)],
    ["a 1 MB string", MB],
    ["SQL", "2; drop table users; --"],
  ] as const) {
    add({ target, label: `a reply time of ${label}`, caller: "doctor", run: save({ replyDays: value }), refused: /./ });
    add({
      target,
      label: `a reply window of ${label}`,
      caller: "doctor",
      run: save({ replyWindowDays: value === "11" ? "91" : value }),
      refused: /./,
    });
  }
  for (const [label, change] of [
    ["a first day that is not a date", { awayFrom: "next week" }],
    ["30 February", { awayFrom: "2032-02-30" }],
    ["a 1 MB date", { awayUntil: MB }],
    ["a back date before the first day", { awayUntil: "2032-02-20" }],
    ["a back date equal to the first day", { awayUntil: "2032-03-01" }],
    ["a missing back date", { awayUntil: "" }],
    ["a message of 301 characters", { awayMessage: "m".repeat(301) }],
    ["a 1 MB message", { awayMessage: MB }],
    ["a colleague of 101 characters", { awayColleague: "c".repeat(101) }],
    ["away given as yes", { away: "yes" }],
  ] as const) {
    add({ target, label, caller: "doctor", run: save(change), refused: /./ });
  }
  add({
    target,
    label: "an away message with markup and control characters (kept inert, controls removed)",
    caller: "doctor",
    run: save({ awayMessage: "<script>alert(1)</script>\u0000 back soon" }),
    async accepted() {
      const [row] = await db().select().from(doctorProfiles).where(eq(doctorProfiles.userId, people.doctor.id));
      expect(row).toMatchObject({ awayMessage: "<script>alert(1)</script> back soon", replyDays: 2 });
    },
    undo: async () =>
      void (await db()
        .update(doctorProfiles)
        .set({ awayFrom: null, awayUntil: null, awayMessage: "", awayColleague: "" })
        .where(eq(doctorProfiles.userId, people.doctor.id))),
  });
}

{
  const target = "reopenRoomAction";
  for (const [label, roomId] of BAD_IDS) {
    add({
      target,
      label: `a room id of ${label}`,
      caller: "doctor",
      run: () => actionAnswer(() => reopenRoom(raw({ roomId }))),
      refused: /not found|not valid/,
    });
  }
  // Only the room's doctor reopens it: its patient is another role, another doctor is a stranger.
  for (const caller of ["patient", "otherDoctor"] as const) {
    add({
      target,
      label: `a closed room reopened by ${caller === "patient" ? "its patient" : "another doctor"}`,
      caller,
      setup: closedRoom,
      run: (roomId) => actionAnswer(() => reopenRoom(raw({ roomId }))),
      refused: /not found/,
    });
  }
}

// A room past its reply window refuses a send through every door, saying when it closed.
for (const caller of ["patient", "doctor"] as const) {
  add({
    target: "sendMessageAction",
    label: `a message from the ${caller} into a room whose reply window has passed`,
    caller,
    setup: closedRoom,
    run: (roomId) =>
      actionAnswer(() => sendMessage(raw({ roomId, clientId: crypto.randomUUID(), body: "Still there?" }))),
    refused: /^This conversation closed on .+\. You can still read it; to write again, request a new appointment\.$/,
  });
  add({
    target: "POST /api/rooms/[roomId]/messages",
    label: `a message from the ${caller} into a room whose reply window has passed`,
    caller,
    setup: closedRoom,
    run: (roomId) =>
      handlerAnswer("api/rooms/[roomId]/messages/route.ts", "POST", `/api/rooms/${roomId}/messages`, {
        params: { roomId },
        body: JSON.stringify({ clientId: crypto.randomUUID(), body: "Still there?" }),
      }),
    status: 409,
    refused: /^This conversation closed on /,
  });
}

// ---- admin actions

{
  const doctorFields = (overrides: Record<string, string | Blob> = {}) => ({
    name: "Dana Doctor",
    email: `dana-${unique()}@example.test`,
    specialty: "Rheumatology",
    bio: "Joints and muscles.",
    timeZone: "Europe/London",
    temporaryPassword: "Temp-secret-4417",
    ...overrides,
  });
  const created = async (answer: Answer) => {
    const id = (answer as { redirect: string }).redirect.split("created=")[1]!;
    return { user: await findUserById(id), profile: await findBookableDoctor(id) };
  };
  const create = (fields: Record<string, string | Blob>) => () => actionAnswer(() => createDoctor(null, form(fields)));
  for (const [label, text] of KEPT.filter(([, s]) => s.length <= 100)) {
    add({
      target: "createDoctorAction",
      label: `a name of ${label}`,
      caller: "admin",
      run: create(doctorFields({ name: text })),
      accepted: async (a) => expect((await created(a)).user?.name).toBe(keptName(text)),
    });
    add({
      target: "createDoctorAction",
      label: `a specialty of ${label}`,
      caller: "admin",
      run: create(doctorFields({ specialty: text })),
      accepted: async (a) => expect((await created(a)).profile?.specialty).toBe(text),
    });
    add({
      target: "createDoctorAction",
      label: `a bio of ${label}`,
      caller: "admin",
      run: create(doctorFields({ bio: text })),
      accepted: async (a) => expect((await created(a)).profile?.bio).toBe(text),
    });
  }
  for (const [label, name, stored] of [
    ...CLEANED,
    ["a right-to-left override (could disguise a name)", "Eve \u202Enivek", "Eve nivek"],
    ["line breaks", "Dana\nDoctor", "Dana Doctor"],
  ] as const) {
    add({
      target: "createDoctorAction",
      label: `a name with ${label}`,
      caller: "admin",
      run: create(doctorFields({ name })),
      accepted: async (a) => expect((await created(a)).user?.name).toBe(stored),
    });
  }
  for (const [label, overrides, message] of [
    ["a 1 MB name", { name: MB }, "A name has at most 100 characters."],
    ["a 1 MB bio", { bio: MB }, "Use at most 1000 characters."],
    ["a 1 MB specialty", { specialty: MB }, "Use at most 100 characters."],
    ["a 1 MB email", { email: MB }, "An email address has at most 254 characters."],
    [
      "SQL in the email",
      { email: "'; drop table users; --@example.test" },
      "Enter a valid email address, like name@example.com.",
    ],
    [
      "HTML in the email",
      { email: "<script>alert(1)</script>@example.test" },
      "Enter a valid email address, like name@example.com.",
    ],
    ["a NUL in the email", { email: "dana\u0000@example.test" }, "Enter a valid email address, like name@example.com."],
    ["a 1 MB temporary password", { temporaryPassword: `Ab1-${MB}` }, "Use at most 200 characters."],
    ["a 1 MB time zone", { timeZone: MB }, "Choose a time zone from the list."],
    ["a name that is a file", { name: new Blob(["Eve"]) }, "Enter your name."],
    ["a name of only a right-to-left override", { name: "\u202E" }, "Enter your name."],
  ] as const) {
    add({
      target: "createDoctorAction",
      label,
      caller: "admin",
      run: create(doctorFields(overrides)),
      refused: message,
    });
  }

  const target = "setUserActiveAction";
  for (const [label, userId] of BAD_IDS) {
    add({
      target,
      label: `a user id that is ${label}`,
      caller: "admin",
      run: () => actionAnswer(() => setUserActive(raw({ userId, active: false }))),
      refused: "That user was not found.",
    });
  }
  for (const [label, active] of [
    ["the string false", "false"],
    ["0", 0],
    ["null", null],
    ["an array", [false]],
  ] as const) {
    add({
      target,
      label: `active given as ${label}`,
      caller: "admin",
      run: () => actionAnswer(() => setUserActive(raw({ userId: people.otherPatient.id, active }))),
      refused: "Say whether the account should be active.",
    });
  }
  add({
    target,
    label: "the admin's own id",
    caller: "admin",
    run: () => actionAnswer(() => setUserActive({ userId: people.admin.id, active: false })),
    refused: "You cannot change your own account's access here.",
  });

  const cancel = "adminCancelAppointmentAction";
  for (const [label, appointmentId] of BAD_IDS) {
    add({
      target: cancel,
      label: `an appointment id that is ${label}`,
      caller: "admin",
      run: () => actionAnswer(() => adminCancel(raw({ appointmentId, reason: "Closed." }))),
      refused: "That appointment was not found.",
    });
  }
  add({
    target: cancel,
    label: "a user's id as the appointment",
    caller: "admin",
    run: () => actionAnswer(() => adminCancel({ appointmentId: people.patient.id, reason: "Closed." })),
    refused: "That appointment was not found.",
  });
  for (const [label, reason] of KEPT) {
    let appointmentId = "";
    add({
      target: cancel,
      label: `a reason of ${label}`,
      caller: "admin",
      setup: async () =>
        (appointmentId = await makeAppointment(db(), { patientId: people.patient.id, doctorId: people.doctor.id })),
      run: () => actionAnswer(() => adminCancel({ appointmentId, reason })),
      async accepted() {
        const { upcoming, past } = await patientAppointments(people.patient.id);
        expect([...upcoming, ...past].find((a) => a.id === appointmentId)?.decisionNote).toBe(reason);
      },
    });
  }
  add({
    target: cancel,
    label: "a 1 MB reason",
    caller: "admin",
    run: () => actionAnswer(() => adminCancel({ appointmentId: strangersAppointment, reason: MB })),
    refused: "Use at most 500 characters.",
  });
}

// ---- account, sign-in, registration, sign-out

{
  const target = "changePasswordAction";
  const changeWith = (fields: Record<string, string | Blob>) => () =>
    actionAnswer(() => changePassword(null, form(fields)));
  for (const [label, fields, message] of [
    [
      "a 1 MB new password",
      { currentPassword: DEMO_PASSWORD, newPassword: MB, confirmPassword: MB },
      "Check the highlighted fields.",
    ],
    [
      "a 1 MB current password",
      { currentPassword: MB, newPassword: "Fresh-pass-8812", confirmPassword: "Fresh-pass-8812" },
      "Check the highlighted fields.",
    ],
    [
      "a wrong current password that looks like SQL",
      { currentPassword: "' or 1=1; --", newPassword: "Fresh-pass-8812", confirmPassword: "Fresh-pass-8812" },
      /./,
    ],
    [
      "two different new passwords",
      { currentPassword: DEMO_PASSWORD, newPassword: "Fresh-pass-8812", confirmPassword: "Fresh-pass-8813" },
      "Check the highlighted fields.",
    ],
    [
      "passwords given as files",
      {
        currentPassword: new Blob([DEMO_PASSWORD]),
        newPassword: "Fresh-pass-8812",
        confirmPassword: "Fresh-pass-8812",
      },
      "Check the highlighted fields.",
    ],
  ] as const) {
    add({ target, label, caller: "patient", run: changeWith(fields), refused: message });
  }
  {
    const newPassword = "🔑 sécurité ٴ שלום 12";
    let savedHash = "";
    add({
      target,
      label: "a new password of emoji, accents and right-to-left letters",
      caller: "patient",
      run: async () => {
        savedHash = (
          await db().select({ h: users.passwordHash }).from(users).where(eq(users.id, people.patient.id))
        )[0]!.h;
        return changeWith({ currentPassword: DEMO_PASSWORD, newPassword, confirmPassword: newPassword })();
      },
      accepted: async () =>
        expect((await verifyCredentials({ email: people.patient.email, password: newPassword }))?.id).toBe(
          people.patient.id,
        ),
      undo: async () =>
        void (await db().update(users).set({ passwordHash: savedHash }).where(eq(users.id, people.patient.id))),
    });
  }

  const loginWith = (fields: Record<string, string | Blob>) => () => actionAnswer(() => login(null, form(fields)));
  // A refused sign-in leaves its trace: an audit line and a counted attempt.
  const signInTraces = ATTEMPT_TRACES;
  for (const [label, fields, message] of [
    ["SQL in the email", { email: "' or 1=1; --@example.test", password: "x" }, "Check the highlighted fields."],
    ["a 1 MB email", { email: MB, password: "x" }, "Check the highlighted fields."],
    ["a 1 MB password", { email: "amy@example.test", password: MB }, "Check the highlighted fields."],
    ["a NUL in the email", { email: "amy\u0000@example.test", password: "x" }, "Check the highlighted fields."],
    [
      "SQL as the password",
      { email: "nobody@example.test", password: "' or '1'='1" },
      "Email or password is incorrect.",
    ],
    ["HTML as the email", { email: "<img src=x onerror=alert(1)>", password: "x" }, "Check the highlighted fields."],
    ["an email that is a file", { email: new Blob(["a@b.c"]), password: "x" }, "Check the highlighted fields."],
    // The sign-in page never sends one this long (it drops it), so only a forged post does.
    [
      "a 1 MB callback",
      { email: "amy@example.test", password: "x", callbackUrl: `/patient/${MB}` },
      "Check the highlighted fields.",
    ],
  ] as const) {
    add({
      target: "loginAction",
      label,
      caller: "anonymous",
      run: loginWith(fields),
      refused: message,
      traces: signInTraces,
    });
  }
  for (const [label, callbackUrl] of [
    ["a protocol-relative URL", "//evil.example/steal"],
    ["an absolute URL", "https://evil.example/steal"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a backslash URL", "/\\evil.example"],
    ["an encoded dot-slash URL", "/%2e//evil.example"],
    ["a tab inside the URL", "/\t/evil.example"],
    ["another role's area", "/admin/users"],
  ] as const) {
    add({
      target: "loginAction",
      label: `a callback of ${label} stays on the site`,
      caller: "anonymous",
      run: () => loginWith({ email: people.otherPatient.email, password: DEMO_PASSWORD, callbackUrl })(),
      async accepted(answer) {
        expect((answer as { redirect: string }).redirect).toBe("/patient");
      },
    });
  }

  const registerWith = (fields: Record<string, string | Blob>) => () =>
    actionAnswer(() => register(null, form(fields)));
  for (const [label, name] of KEPT.filter(([, s]) => s.length <= 100)) {
    const email = `reg-${unique()}@example.test`;
    add({
      target: "registerAction",
      label: `a name of ${label}`,
      caller: "anonymous",
      run: registerWith({ name, email, password: "Register-pass-8812" }),
      accepted: async () => expect((await findUserByEmail(email))?.name).toBe(keptName(name)),
    });
  }
  {
    // Zero-width characters inside a name no longer let it pass for another person's.
    const email = `lookalike-${unique()}@example.test`;
    add({
      target: "registerAction",
      label: "a name with a zero-width space inside (Emily\u200BDavis)",
      caller: "anonymous",
      run: registerWith({ name: "Emily\u200bDavis\u200e", email, password: "Register-pass-8812" }),
      accepted: async () => expect((await findUserByEmail(email))?.name).toBe("EmilyDavis"),
    });
  }
  {
    // A taken address gets the same answer as a new one (an email goes to its owner instead).
    const before = async () => (await findUserByEmail(people.otherPatient.email))!;
    add({
      target: "registerAction",
      label: "a taken email in capitals: answered as a new one, no account made",
      caller: "anonymous",
      run: () =>
        registerWith({ name: "Bo", email: people.otherPatient.email.toUpperCase(), password: "Register-pass-8812" })(),
      accepted: async (answer) => {
        expect(answer).toEqual({ kind: "action", ok: true, data: { email: people.otherPatient.email } });
        expect((await before()).name).toBe(people.otherPatient.name);
      },
    });
  }
  for (const [label, fields, message] of [
    [
      "a 1 MB name",
      () => ({ name: MB, email: "big@example.test", password: "Register-pass-8812" }),
      "Check the highlighted fields.",
    ],
    [
      "a 1 MB password",
      () => ({ name: "Bo", email: "big@example.test", password: MB }),
      "Check the highlighted fields.",
    ],
    [
      "SQL in the email",
      () => ({ name: "Bo", email: "x'; drop table users; --", password: "Register-pass-8812" }),
      "Check the highlighted fields.",
    ],
    [
      "a name of only invisible characters (zero-width, LRM/RLM, Arabic letter mark)",
      () => ({ name: "\u200b\u200e\u200f\u061c\u2060", email: "blank@example.test", password: "Register-pass-8812" }),
      "Check the highlighted fields.",
    ],
    [
      "a name of emoji and digits only, without a letter",
      () => ({ name: "🙂 123", email: "noletter@example.test", password: "Register-pass-8812" }),
      "Check the highlighted fields.",
    ],
    [
      "a name of only control characters",
      () => ({ name: "\u0000\u0007", email: "ctl@example.test", password: "Register-pass-8812" }),
      "Check the highlighted fields.",
    ],
  ] as const) {
    add({
      target: "registerAction",
      label,
      caller: "anonymous",
      run: () => registerWith(fields())(),
      refused: message,
      traces: ["rate_limits"],
    });
  }

  {
    const email = `twice-${unique()}@example.test`;
    add({
      target: "registerAction",
      label: "a repeated name field: the first one counts",
      caller: "anonymous",
      run: () => {
        const data = form({ name: "First Name", email, password: "Register-pass-8812" });
        data.append("name", "<script>alert(1)</script>");
        data.append("role", "admin");
        return actionAnswer(() => register(null, data));
      },
      accepted: async () => expect(await findUserByEmail(email)).toMatchObject({ name: "First Name", role: "patient" }),
    });
  }

  add({
    target: "signOutAction",
    label: "called with unexpected arguments",
    caller: "patient",
    run: () => actionAnswer(() => signOut(MB, { __proto__: { polluted: "yes" } })),
    accepted: async () => expect(request.session).toBeNull(),
  });
}

// ---- account recovery: forgot password, reset, verify, and an admin ending a user's sessions

{
  const forgot = action("(auth)/actions.ts", "forgotPasswordAction");
  const reset = action("(auth)/actions.ts", "resetPasswordAction");
  const verify = action("(auth)/actions.ts", "verifyEmailAction");
  const endSessions = action("(admin)/admin/actions.ts", "endUserSessionsAction");
  const INCOMPLETE_LINK = "This link is not complete. Open it again from the email.";
  const EXPIRED_LINK = "This link has expired or was already used. Ask for a new one.";
  /** Well formed (43 base64url characters) but never issued. */
  const UNKNOWN_TOKEN = "A".repeat(43);
  const BAD_TOKENS: [string, string | Blob][] = [
    ["a 1 MB token", MB],
    ["SQL in the token", "'; drop table users; --"],
    ["a token one character short", "A".repeat(42)],
    ["a token with a NUL", `${"A".repeat(42)}\u0000`],
    ["a token with a path", "../../../../etc/passwd"],
    ["a token that is a file", new Blob(["A".repeat(43)])],
  ];

  for (const [label, email] of [
    ["a 1 MB email", MB],
    ["SQL in the email", "x'; drop table users; --"],
    ["HTML as the email", "<img src=x onerror=alert(1)>"],
    ["an email that is a file", new Blob(["a@b.c"])],
    ["an empty email", ""],
  ] as const) {
    add({
      target: "forgotPasswordAction",
      label,
      caller: "anonymous",
      run: () => actionAnswer(() => forgot(null, form({ email }))),
      refused: "Check the highlighted fields.",
    });
  }
  add({
    target: "forgotPasswordAction",
    label: "an address without an account: the same answer as a known one",
    caller: "anonymous",
    run: () => actionAnswer(() => forgot(null, form({ email: "Nobody-Here@Example.test" }))),
    accepted: async (answer) =>
      expect(answer).toEqual({ kind: "action", ok: true, data: { email: "nobody-here@example.test" } }),
  });

  for (const [label, token] of BAD_TOKENS) {
    add({
      target: "resetPasswordAction",
      label,
      caller: "anonymous",
      run: () =>
        actionAnswer(() =>
          reset(null, form({ token, newPassword: "Reset-pass-8812", confirmPassword: "Reset-pass-8812" })),
        ),
      refused: "Check the highlighted fields.",
    });
    add({
      target: "verifyEmailAction",
      label,
      caller: "anonymous",
      run: () => actionAnswer(() => verify(null, form({ token }))),
      refused: INCOMPLETE_LINK,
    });
  }
  for (const [label, fields] of [
    ["a 1 MB new password", { newPassword: MB, confirmPassword: MB }],
    ["passwords that differ", { newPassword: "Reset-pass-8812", confirmPassword: "Reset-pass-8813" }],
    ["a new password that is a file", { newPassword: new Blob(["Reset-pass-8812"]), confirmPassword: "x" }],
  ] as const) {
    add({
      target: "resetPasswordAction",
      label,
      caller: "anonymous",
      run: () => actionAnswer(() => reset(null, form({ token: UNKNOWN_TOKEN, ...fields }))),
      refused: "Check the highlighted fields.",
    });
  }
  add({
    target: "resetPasswordAction",
    label: "a well-formed token that was never issued",
    caller: "anonymous",
    run: () =>
      actionAnswer(() =>
        reset(null, form({ token: UNKNOWN_TOKEN, newPassword: "Reset-pass-8812", confirmPassword: "Reset-pass-8812" })),
      ),
    refused: EXPIRED_LINK,
  });
  add({
    target: "verifyEmailAction",
    label: "a well-formed token that was never issued",
    caller: "anonymous",
    run: () => actionAnswer(() => verify(null, form({ token: UNKNOWN_TOKEN }))),
    refused: EXPIRED_LINK,
  });

  for (const [label, userId] of BAD_IDS) {
    add({
      target: "endUserSessionsAction",
      label: `a user id that is ${label}`,
      caller: "admin",
      run: () => actionAnswer(() => endSessions(raw({ userId }))),
      refused: "That user was not found.",
    });
  }
}

// ---- rescheduling and "Add to calendar"

{
  const propose = action("appointment-actions.ts", "proposeRescheduleAction");
  const answerProposal = action("appointment-actions.ts", "answerProposalAction");
  const slotsOf = action("appointment-actions.ts", "rescheduleSlotsAction");
  const acceptedOne = () =>
    makeAppointment(db(), { patientId: people.patient.id, doctorId: people.doctor.id, status: "accepted" });
  for (const [label, appointmentId] of BAD_IDS) {
    add({
      target: "proposeRescheduleAction",
      label: `an appointment id that is ${label}`,
      caller: "patient",
      run: () => actionAnswer(() => propose(raw({ appointmentId, startsAt: "2032-01-06T10:00:00Z" }))),
      refused: "That appointment was not found.",
    });
    add({
      target: "answerProposalAction",
      label: `a proposal id that is ${label}`,
      caller: "doctor",
      run: () => actionAnswer(() => answerProposal(raw({ proposalId: appointmentId, answer: "accept" }))),
      refused: "That proposal was not found.",
    });
    add({
      target: "rescheduleSlotsAction",
      label: `an appointment id that is ${label}`,
      caller: "patient",
      run: () => actionAnswer(() => slotsOf(raw({ appointmentId, date: "2032-01-06" }))),
      refused: "That appointment was not found.",
    });
  }
  for (const [label, startsAt] of [
    ["a time that is not a date", "tomorrow at ten"],
    ["a time without a zone", "2032-01-06T10:00:00"],
    ["a 1 MB time", MB],
    ["a number time", 1_900_000_000_000],
    ["an object time", { $gt: "" }],
    ["a missing time", undefined],
  ] as const) {
    add({
      target: "proposeRescheduleAction",
      label,
      caller: "patient",
      setup: acceptedOne,
      run: (appointmentId) => actionAnswer(() => propose(raw({ appointmentId, startsAt }))),
      refused: "Choose a time from the list.",
    });
  }
  add({
    target: "proposeRescheduleAction",
    label: "a time off the doctor's slots, by the patient",
    caller: "patient",
    setup: acceptedOne,
    run: (appointmentId) =>
      actionAnswer(() =>
        propose({ appointmentId, startsAt: new Date(slots[0]!.getTime() + 10 * 60_000).toISOString() }),
      ),
    refused: /^That time is not one of the doctor's appointment slots/,
  });
  add({
    target: "proposeRescheduleAction",
    label: "another couple's appointment",
    caller: "doctor",
    run: () =>
      actionAnswer(() => propose({ appointmentId: strangersRoom.appointmentId, startsAt: slots[0]!.toISOString() })),
    refused: "That appointment was not found.",
  });
  for (const [label, answer] of [
    ["an unknown answer", "approve"],
    ["an answer in capitals", "ACCEPT"],
    ["__proto__ as the answer", "__proto__"],
    ["an array answer", ["accept"]],
    ["a missing answer", undefined],
  ] as const) {
    add({
      target: "answerProposalAction",
      label,
      caller: "doctor",
      run: () => actionAnswer(() => answerProposal(raw({ proposalId: crypto.randomUUID(), answer }))),
      refused: "That answer is not available.",
    });
  }
  for (const [label, date] of [
    ["a date that is not a date", "next week"],
    ["a 1 MB date", MB],
    ["a date with SQL", "2032-01-06'; --"],
    ["an impossible date", "2032-02-31"],
  ] as const) {
    add({
      target: "rescheduleSlotsAction",
      label,
      caller: "patient",
      setup: acceptedOne,
      run: (appointmentId) => actionAnswer(() => slotsOf(raw({ appointmentId, date }))),
      refused: "Choose a day.",
    });
  }

  const calendar = "api/appointments/[appointmentId]/calendar/route.ts";
  const fetchCalendar = (id: string) =>
    handlerAnswer(calendar, "GET", `/api/appointments/${encodeURIComponent(id)}/calendar`, {
      params: { appointmentId: id },
    });
  for (const [label, id] of BAD_IDS.filter(([, v]) => typeof v === "string")) {
    add({
      target: "GET /api/appointments/:appointmentId/calendar",
      label: `an appointment id that is ${label}`,
      caller: "patient",
      run: () => fetchCalendar(id as string),
      refused: "That appointment was not found.",
      status: /unknown UUID/.test(label) ? 404 : 400,
    });
  }
  for (const caller of ["patient", "doctor", "admin"] as const)
    add({
      target: "GET /api/appointments/:appointmentId/calendar",
      label: "another couple's appointment",
      caller,
      run: () => fetchCalendar(strangersRoom.appointmentId),
      refused: /^That (appointment|item) was not found\.$/,
      status: 404,
    });
}

// ---- saveDraftAction

{
  const saveDraft = action("chat/actions.ts", "saveDraftAction");
  for (const [label, roomId] of BAD_IDS) {
    add({
      target: "saveDraftAction",
      label: `a room id that is ${label}`,
      caller: "patient",
      run: () => actionAnswer(() => saveDraft(raw({ roomId, body: "Draft" }))),
      refused: "That conversation was not found.",
    });
  }
  add({
    target: "saveDraftAction",
    label: "another couple's room",
    caller: "patient",
    run: () => actionAnswer(() => saveDraft({ roomId: strangersRoom.roomId, body: "Draft" })),
    refused: "That conversation was not found.",
  });
  for (const [label, body] of [
    ["a draft over the message limit", "x".repeat(2001)],
    ["a 1 MB draft", MB],
  ] as const) {
    add({
      target: "saveDraftAction",
      label,
      caller: "patient",
      run: () => actionAnswer(() => saveDraft({ roomId: room.roomId, body })),
      refused: "A message has at most 2000 characters.",
    });
  }
  for (const [label, body] of [
    ["a number draft", 42],
    ["an object draft", { $ne: "" }],
    ["a missing draft", undefined],
  ] as const) {
    add({
      target: "saveDraftAction",
      label,
      caller: "patient",
      run: () => actionAnswer(() => saveDraft(raw({ roomId: room.roomId, body }))),
      refused: "Write the draft as plain text.",
    });
  }
}

// ---- route handlers

{
  const messages = "api/rooms/[roomId]/messages/route.ts";
  const get =
    (roomId: string, query = "") =>
    () =>
      handlerAnswer(messages, "GET", `/api/rooms/${encodeURIComponent(roomId)}/messages${query}`, {
        params: { roomId },
      });
  const typing = (roomId: string) => () =>
    handlerAnswer("api/rooms/[roomId]/typing/route.ts", "POST", `/api/rooms/${encodeURIComponent(roomId)}/typing`, {
      params: { roomId },
    });
  for (const [target, door] of [
    ["GET /api/rooms/:roomId/messages", get],
    ["POST /api/rooms/:roomId/typing", typing],
  ] as const) {
    for (const [label, roomId] of BAD_IDS.filter(([, v]) => typeof v === "string")) {
      add({
        target,
        label: `a room id that is ${label}`,
        caller: "patient",
        run: door(roomId as string),
        refused: "That conversation was not found.",
        status: /unknown UUID/.test(label) ? 404 : 400,
      });
    }
  }
  add({
    target: "POST /api/rooms/:roomId/typing",
    label: "another couple's room",
    caller: "patient",
    run: () => typing(strangersRoom.roomId)(),
    refused: "That conversation was not found.",
    status: 404,
  });
  add({
    target: "GET /api/rooms/:roomId/messages",
    label: "another couple's room",
    caller: "patient",
    run: () => get(strangersRoom.roomId)(),
    refused: "That conversation was not found.",
    status: 404,
  });
  for (const [label, query] of [
    ["after=-1", "?after=-1"],
    ["after=NaN", "?after=NaN"],
    ["after=Infinity", "?after=Infinity"],
    ["after=1e400", "?after=1e400"],
    ["after=1.5", "?after=1.5"],
    ["SQL in after", "?after=1%3B%20drop%20table%20messages"],
    ["before=0", "?before=0"],
    ["after and before together", "?after=1&before=5"],
    ["a 1 MB after", `?after=${"9".repeat(1024 * 1024)}`],
  ] as const) {
    add({
      target: "GET /api/rooms/:roomId/messages",
      label: `a query of ${label}`,
      caller: "patient",
      run: () => get(room.roomId, query)(),
      refused: /./,
      status: 400,
    });
  }
  for (const [label, query] of [
    ["__proto__ and constructor parameters", "?__proto__=1&constructor=2&after=0"],
    ["repeated after parameters", "?after=5&after=0"],
    ["after[]= parameters", "?after[]=1"],
    ["unknown parameters", "?page=2&sql=%27%3B%20drop%20table%20users"],
  ] as const) {
    add({
      target: "GET /api/rooms/:roomId/messages",
      label: `a query of ${label} is ignored`,
      caller: "patient",
      run: () => get(room.roomId, query)(),
      accepted: async (a) => expect((a as { status: number }).status).toBe(200),
    });
  }

  const post =
    (body: string, options: { roomId?: string; headers?: Record<string, string | null> } = {}) =>
    () => {
      const roomId = options.roomId ?? room.roomId;
      return handlerAnswer(messages, "POST", `/api/rooms/${encodeURIComponent(roomId)}/messages`, {
        params: { roomId },
        body,
        headers: options.headers,
      });
    };
  const target = "POST /api/rooms/:roomId/messages";
  for (const [label, body] of [
    ["malformed JSON", "{"],
    ["an empty body", ""],
    ["JSON null", "null"],
    ["a JSON array", "[]"],
    ["a JSON string", '"hello"'],
    ["a JSON number", "42"],
    ["JSON with a trailing comma", '{"clientId":"x","body":"y",}'],
    ["a 1 MB string field", JSON.stringify({ clientId: crypto.randomUUID(), body: MB })],
    ["2001 characters", JSON.stringify({ clientId: crypto.randomUUID(), body: "y".repeat(2001) })],
    ["a number body", JSON.stringify({ clientId: crypto.randomUUID(), body: 42 })],
    ["an array body", JSON.stringify({ clientId: crypto.randomUUID(), body: ["hi"] })],
    ["a missing body", JSON.stringify({ clientId: crypto.randomUUID() })],
    ["a missing client id", JSON.stringify({ body: "hi" })],
    ["a non-UUID client id", JSON.stringify({ clientId: "'; drop table messages; --", body: "hi" })],
    ["a negative seenSeq", JSON.stringify({ clientId: crypto.randomUUID(), body: "hi", seenSeq: -1 })],
    ["a huge seenSeq", JSON.stringify({ clientId: crypto.randomUUID(), body: "hi", seenSeq: 1e308 })],
    [
      "a seenSeq of the string Infinity",
      JSON.stringify({ clientId: crypto.randomUUID(), body: "hi", seenSeq: "Infinity" }),
    ],
  ] as const) {
    add({
      target,
      label,
      caller: "patient",
      run: post(body),
      refused: /./,
      status: label === "a 1 MB string field" ? 413 : 400,
    });
  }
  for (const [label, roomId] of BAD_IDS.filter(([, v]) => typeof v === "string")) {
    add({
      target,
      label: `a room id that is ${label}`,
      caller: "patient",
      run: post(JSON.stringify({ clientId: crypto.randomUUID(), body: "hi" }), { roomId: roomId as string }),
      refused: "That conversation was not found.",
      status: /unknown UUID/.test(label) ? 404 : 400,
    });
  }
  add({
    target,
    label: "another couple's room",
    caller: "patient",
    run: () => post(JSON.stringify({ clientId: crypto.randomUUID(), body: "hi" }), { roomId: strangersRoom.roomId })(),
    refused: "That conversation was not found.",
    status: 404,
  });
  const forged = /did not come from a Carebridge page/;
  add({
    target,
    label: "a forged request from another site",
    caller: "patient",
    run: post(JSON.stringify({ clientId: crypto.randomUUID(), body: "hi" }), {
      headers: { origin: "https://evil.example" },
    }),
    refused: forged,
    status: 403,
  });
  add({
    target,
    label: "a cross-site form post (text/plain, JSON-looking body)",
    caller: "patient",
    run: post(JSON.stringify({ clientId: crypto.randomUUID(), body: "hi" }), {
      headers: { origin: "https://evil.example", "content-type": "text/plain" },
    }),
    refused: forged,
    status: 403,
  });
  add({
    target,
    label: "a request with no Origin, Sec-Fetch-Site or Referer",
    caller: "patient",
    run: post(JSON.stringify({ clientId: crypto.randomUUID(), body: "hi" }), { headers: { origin: null } }),
    refused: forged,
    status: 403,
  });
  add({
    target,
    label: "an Origin of null (a sandboxed frame)",
    caller: "patient",
    run: post(JSON.stringify({ clientId: crypto.randomUUID(), body: "hi" }), { headers: { origin: "null" } }),
    refused: forged,
    status: 403,
  });
  for (const [label, body] of KEPT) {
    const clientId = crypto.randomUUID();
    add({
      target,
      label: `a body of ${label}`,
      caller: "patient",
      run: post(JSON.stringify({ clientId, body })),
      accepted: async () => expect(await storedMessage(clientId)).toBe(body),
    });
  }
  for (const [label, body, stored] of CLEANED) {
    const clientId = crypto.randomUUID();
    add({
      target,
      label: `a body with ${label}`,
      caller: "patient",
      run: post(JSON.stringify({ clientId, body })),
      accepted: async () => expect(await storedMessage(clientId)).toBe(stored),
    });
  }
  {
    const clientId = crypto.randomUUID();
    add({
      target,
      label: "__proto__, another room and another sender in the body are ignored",
      caller: "patient",
      run: () =>
        post(
          `{"clientId":"${clientId}","body":"Proto.","roomId":"${strangersRoom.roomId}","senderId":"${people.doctor.id}","__proto__":{"polluted":"yes"}}`,
        )(),
      async accepted() {
        const page = await threadPage({ roomId: room.roomId, userId: people.patient.id, limit: 200 });
        expect(page.messages.find((m) => m.clientId === clientId)).toMatchObject({
          body: "Proto.",
          senderId: people.patient.id,
        });
      },
    });
  }

  for (const [file, url] of [
    ["api/conversations/route.ts", "/api/conversations"],
    ["api/unread/route.ts", "/api/unread"],
    ["api/recent-messages/route.ts", "/api/recent-messages"],
    ["api/health/route.ts", "/api/health"],
    ["api/events/route.ts", "/api/events"],
  ] as const) {
    add({
      target: `GET ${url}`,
      label: "junk query parameters are ignored",
      caller: "patient",
      run: () =>
        handlerAnswer(
          file,
          "GET",
          `${url}?__proto__=1&limit=-1&userId=${people.otherPatient.id}&q=${encodeURIComponent("<script>alert(1)</script>")}&x=${"9".repeat(100_000)}`,
        ),
      accepted: async (a) => expect((a as { status: number }).status).toBe(200),
    });
  }
}

// ---------------------------------------------------------------- running them

/** zod's own wording ("Invalid input: expected string, received number"), meant for developers. */
const ZOD_DEFAULT = /^(Invalid input|Invalid option|Too small|Too big|Unrecognized key)/;

function expectClearRefusal(answer: Answer, c: Case) {
  if (answer.kind === "handler") {
    expect(answer.status, JSON.stringify(answer.body).slice(0, 200)).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    if (c.status) expect(answer.status).toBe(c.status);
    expect(typeof answer.body.error).toBe("string");
    if (c.refused) expect(answer.body.error).toMatch(c.refused);
    expect(answer.body.error).not.toMatch(ZOD_DEFAULT);
    return;
  }
  expect(answer.ok, "expected a refusal").toBe(false);
  if (answer.ok) return;
  expect(answer.message).not.toBe(UNEXPECTED);
  expect(answer.message, "a message for a person, not zod's default").not.toMatch(ZOD_DEFAULT);
  for (const errors of Object.values(answer.fieldErrors ?? {}))
    for (const e of errors ?? []) expect(e).not.toMatch(ZOD_DEFAULT);
  if (c.refused)
    expect(answer.message).toMatch(
      typeof c.refused === "string" ? new RegExp(`^${c.refused.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) : c.refused,
    );
  // A message for a person: short, and never an echo of the payload.
  expect(answer.message.length).toBeGreaterThan(0);
  expect(answer.message.length).toBeLessThan(200);
  expect(JSON.stringify(answer).length).toBeLessThan(10_000);
}

// ---- attachments: the upload and the download

{
  const uploads = "api/rooms/[roomId]/attachments/route.ts";
  const target = "POST /api/rooms/:roomId/attachments";
  const upload =
    (body: string, options: { roomId?: string; name?: string | null; headers?: Record<string, string | null> } = {}) =>
    () => {
      const roomId = options.roomId ?? room.roomId;
      const name = options.name === undefined ? "file.txt" : options.name;
      const query = name === null ? "" : `?name=${encodeURIComponent(name)}`;
      return handlerAnswer(uploads, "POST", `/api/rooms/${encodeURIComponent(roomId)}/attachments${query}`, {
        params: { roomId },
        body,
        headers: { "content-type": "application/octet-stream", ...options.headers },
      });
    };
  for (const [label, roomId] of BAD_IDS.filter(([, v]) => typeof v === "string")) {
    add({
      target,
      label: `a room id that is ${label}`,
      caller: "patient",
      run: upload("notes", { roomId: roomId as string }),
      refused: "That conversation was not found.",
      status: /unknown UUID/.test(label) ? 404 : 400,
    });
  }
  add({
    target,
    label: "another couple's room",
    caller: "patient",
    run: () => upload("notes", { roomId: strangersRoom.roomId })(),
    refused: "That conversation was not found.",
    status: 404,
  });
  add({
    target,
    label: "a forged request from another site",
    caller: "patient",
    run: upload("notes", { headers: { origin: "https://evil.example" } }),
    refused: /did not come from a Carebridge page/,
    status: 403,
  });
  for (const [label, name, status] of [
    ["no name", null, 400],
    ["an empty name", "", 400],
    ["a 1 MB name", MB, 400],
  ] as const)
    add({ target, label, caller: "patient", run: upload("notes", { name }), refused: /./, status });
  const notAllowed = /not allowed\. You can send photos \(JPEG, PNG, WebP, GIF, HEIC\), PDF and plain text/;
  for (const [label, name, body] of [
    ["an HTML page named .png", "photo.png", "<!doctype html><html><script>alert(1)</script></html>"],
    ["an SVG with a script", "chart.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
    ["binary bytes named .txt", "notes.txt", "MZ\u0000\u0001\u0002 not text"],
    ["a ZIP named .pdf", "scan.pdf", "PK\u0003\u0004\u0000\u0000\u0000\u0000"],
  ] as const)
    add({ target, label, caller: "patient", run: upload(body, { name }), refused: notAllowed, status: 415 });
  add({
    target,
    label: "an empty file",
    caller: "patient",
    run: upload(""),
    refused: "This file is empty.",
    status: 400,
  });
  add({
    target,
    label: "10 MB + 1 byte (cut off while streaming)",
    caller: "patient",
    run: upload("x".repeat(10 * 1024 * 1024 + 1), { name: "big.txt" }),
    refused: "This file is too large: the limit is 10 MB.",
    status: 413,
  });
  add({
    target,
    label: "10 MB + 1 byte declared in Content-Length",
    caller: "patient",
    run: upload("x", { name: "big.txt", headers: { "content-length": String(10 * 1024 * 1024 + 1) } }),
    refused: "This file is too large: the limit is 10 MB.",
    status: 413,
  });
  for (const [label, name, stored] of [
    ["a path in the name", "../../etc/passwd", "passwd.txt"],
    ["a NUL in the name", "notes\u0000.txt", "notes.txt"],
    ["a right-to-left override in the name", "invoice\u202Etxt.exe", "invoicetxt.exe.txt"],
  ] as const) {
    let id = "";
    add({
      target,
      label: `${label} (stored sanitised)`,
      caller: "patient",
      run: upload("Blood pressure 120/80.", { name }),
      accepted: async (answer) => {
        const { attachment } = (answer as unknown as { body: { attachment: { id: string; name: string } } }).body;
        id = attachment.id;
        expect(attachment.name).toBe(stored);
        const [row] = await db().select({ name: attachments.name }).from(attachments).where(eq(attachments.id, id));
        expect(row?.name).toBe(stored);
      },
      undo: async () => {
        const [row] = await db().delete(attachments).where(eq(attachments.id, id)).returning();
        await db().delete(fileBlobs).where(eq(fileBlobs.key, row!.blobKey));
      },
    });
  }

  const files = "api/attachments/[attachmentId]/route.ts";
  const fetchFile = (id: string, query = "") =>
    handlerAnswer(files, "GET", `/api/attachments/${encodeURIComponent(id)}${query}`, { params: { attachmentId: id } });
  for (const [label, id] of BAD_IDS.filter(([, v]) => typeof v === "string")) {
    add({
      target: "GET /api/attachments/:attachmentId",
      label: `a file id that is ${label}`,
      caller: "patient",
      run: () => fetchFile(id as string),
      refused: "That file was not found.",
      status: /unknown UUID/.test(label) ? 404 : 400,
    });
  }
  const strangersFile = async () => {
    const file = await uploadAttachment({
      roomId: strangersRoom.roomId,
      userId: people.otherPatient.id,
      name: "theirs.txt",
      body: new Blob(["their notes"]).stream(),
      declaredBytes: null,
    });
    await sendChatMessage({
      roomId: strangersRoom.roomId,
      senderId: people.otherPatient.id,
      clientId: crypto.randomUUID(),
      body: "",
      attachmentIds: [file.id],
    });
    return file.id;
  };
  for (const caller of ["patient", "doctor"] as const)
    add({
      target: "GET /api/attachments/:attachmentId",
      label: "a file of another couple's room",
      caller,
      setup: strangersFile,
      run: (id) => fetchFile(id),
      refused: "That file was not found.",
      status: 404,
    });
  for (const [label, query] of [
    ["an unknown variant", "?variant=original"],
    ["a 1 MB variant", `?variant=${"x".repeat(1024 * 1024)}`],
  ] as const)
    add({
      target: "GET /api/attachments/:attachmentId",
      label: `a query of ${label}`,
      caller: "patient",
      run: () => fetchFile(crypto.randomUUID(), query),
      refused: /./,
      status: 400,
    });
}

describe("the before/after check itself", () => {
  it("notices a one-character change in any row, and its undoing", async () => {
    const before = await tableDigests(db());
    expect(Object.values(before).filter((d) => d === "absent")).toEqual([]);
    await db()
      .update(users)
      .set({ name: `${people.otherDoctor.name}.` })
      .where(eq(users.id, people.otherDoctor.id));
    const changed = await tableDigests(db());
    expect(changed.users).not.toBe(before.users);
    expect(withoutTables(changed, ["users"])).toEqual(withoutTables(before, ["users"]));
    await db().update(users).set({ name: people.otherDoctor.name }).where(eq(users.id, people.otherDoctor.id));
    expect((await tableDigests(db())).users).not.toBe(changed.users);
  });
});

describe("stored text is rendered inert", () => {
  it("reaches the page only through React's escaping: no raw HTML sinks in app/, components/ or lib/", async () => {
    const fs = await import("node:fs");
    const sinks: string[] = [];
    const scan = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) scan(full);
        else if (/\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith(".test.ts")) {
          const text = fs.readFileSync(full, "utf8");
          if (/dangerouslySetInnerHTML|\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write/.test(text))
            sinks.push(path.relative(process.cwd(), full));
        }
      }
    };
    for (const dir of ["app", "components", "lib"]) scan(path.join(process.cwd(), dir));
    expect(sinks).toEqual([]);
  });
});

let ran = 0;
const messagesSeen = new Map<string, number>();

describe("hostile input", () => {
  afterAll(() => {
    const targets = new Set(cases.map((c) => c.target));
    console.log(`hostile input: ${ran} of ${cases.length} cases run against ${targets.size} actions and handlers`);
    console.log(
      `hostile input: refusal messages seen:\n  ${[...messagesSeen].map(([m, n]) => `${n}× ${m}`).join("\n  ")}`,
    );
  });

  for (const c of cases) {
    it(`${c.target}: ${c.label} → ${c.accepted ? "stored" : "refused"}`, async () => {
      const fixture = (await c.setup?.()) ?? "";
      const undo = await actAs(db(), people, c.caller);
      expect(userOf(people, c.caller)?.id ?? null).toBe(request.session?.user.id ?? null);
      const before = await tableDigests(db());
      let answer: Answer;
      try {
        answer = await c.run(fixture);
      } finally {
        await undo();
      }
      // Whatever happened, nothing reached Object.prototype.
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      if (c.accepted) {
        if (answer.kind === "action") expect(answer, JSON.stringify(answer).slice(0, 300)).toMatchObject({ ok: true });
        else expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBeLessThan(300);
        await c.accepted(answer);
        await c.undo?.();
      } else {
        expectClearRefusal(answer, c);
        const message =
          answer.kind === "handler" ? `${answer.status} ${String(answer.body.error)}` : answer.ok ? "" : answer.message;
        messagesSeen.set(message, (messagesSeen.get(message) ?? 0) + 1);
        const untouched = ["rate_limits", ...(c.traces ?? [])];
        expect(withoutTables(await tableDigests(db()), untouched), "a refused case wrote to the database").toEqual(
          withoutTables(before, untouched),
        );
      }
      ran++;
    });
  }
});
