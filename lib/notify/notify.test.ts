import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { POST as unsubscribePost } from "@/app/api/unsubscribe/route";
import { seedDemoData, DEMO_DOCTORS } from "@/db/seed";
import { appointments, users } from "@/db/schema";
import { emailDeliveryOverview } from "@/lib/admin/email-delivery";
import { adminCancelAppointment } from "@/lib/appointments/admin";
import { requestAppointment, transitionAppointment } from "@/lib/appointments/requests";
import { markRead, sendMessage } from "@/lib/chat/messages";
import { QUEUES } from "@/lib/jobs/queue";
import { unsubscribeToken } from "@/lib/mail/unsubscribe";
import { setupTestDatabase } from "@/test/db";
import { freeSlotPool } from "@/test/matrix/world";
import { jobsOf, mailWithWorkers, pair, person, runNow, settled } from "@/test/notify";
import type { ReceivedEmail } from "@/test/smtp";
import { handleDigestTick, unreadJobKey } from "./messages";
import { notificationSettingsOf, saveNotificationSettings } from "./settings";

const t = setupTestDatabase();
const db = () => t.handle.db;
const mail = mailWithWorkers({ NOTIFY_COOLDOWN_MINUTES: "60" });

beforeEach(() => {
  vi.stubEnv("NOTIFY_UNREAD_AFTER_MINUTES", "0");
});

const to = mail.to;
const send = (roomId: string, senderId: string, body: string) =>
  sendMessage({ roomId, senderId, clientId: crypto.randomUUID(), body });
async function onlyEmailTo(address: string): Promise<ReceivedEmail> {
  await expect.poll(() => to(address).length, { timeout: 20_000 }).toBeGreaterThan(0);
  expect(to(address)).toHaveLength(1);
  return to(address)[0]!;
}

describe("an unread message", () => {
  it("emails its recipient once: the sender's name and a link to sign in, never the words; the sender gets nothing", async () => {
    const { patient, doctor, roomId } = await pair(db(), { patient: "Una Read", doctor: "Emily Dawes" });
    await send(roomId, doctor.id, "Your biopsy shows nothing to worry about.");
    const email = await onlyEmailTo(patient.email);
    expect(email.parsed.subject).toBe("New secure message from Dr Emily Dawes");
    expect(email.parsed.text).toContain("You have a new secure message from Dr Emily Dawes in Carebridge.");
    expect(email.parsed.text).toContain(`https://portal.example.test/chat/${roomId}`);
    for (const secret of ["biopsy", "Private reason"]) {
      expect(email.raw).not.toContain(secret);
      expect(String(email.parsed.html)).not.toContain(secret);
    }
    expect(email.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    // Long headers are folded onto several lines; unfolded, it is the one-click door with its token.
    expect(email.raw.replace(/\r?\n[ \t]+/g, " ")).toMatch(
      /^List-Unsubscribe:\s+<https:\/\/portal\.example\.test\/api\/unsubscribe\?token=[^>]+>$/m,
    );
    await settled(db(), QUEUES.unreadMessage, unreadJobKey({ roomId, userId: patient.id }));
    expect(to(doctor.email)).toHaveLength(0);
  });

  it("several messages within the delay make one email, sent when the delay ends", async () => {
    vi.stubEnv("NOTIFY_UNREAD_AFTER_MINUTES", "5");
    const { patient, doctor, roomId } = await pair(db());
    const key = unreadJobKey({ roomId, userId: patient.id });
    for (const body of ["One", "Two", "Three"]) await send(roomId, doctor.id, body);
    const waiting = await jobsOf(db(), QUEUES.unreadMessage, key);
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.state).toBe("created");
    // Due five minutes after the first message.
    expect(waiting[0]!.start_after.getTime() - Date.now()).toBeGreaterThan(4 * 60_000);
    await runNow(db(), QUEUES.unreadMessage, { key });
    await onlyEmailTo(patient.email);
    const [done] = await settled(db(), QUEUES.unreadMessage, key);
    expect(done!.output?.outcome).toBe("sent");
  });

  it("reading it in the portal before the delay cancels the email", async () => {
    vi.stubEnv("NOTIFY_UNREAD_AFTER_MINUTES", "5");
    const { patient, doctor, roomId } = await pair(db());
    const key = unreadJobKey({ roomId, userId: patient.id });
    const { message } = await send(roomId, doctor.id, "Are you free on Monday?");
    expect(await jobsOf(db(), QUEUES.unreadMessage, key)).toHaveLength(1);
    await markRead({ roomId, userId: patient.id, seq: message.seq });
    expect(await jobsOf(db(), QUEUES.unreadMessage, key)).toHaveLength(0);
    // Had the job already been running, it would still find nothing unread: tried here directly.
    await send(roomId, doctor.id, "And on Tuesday?");
    await markRead({ roomId, userId: patient.id, seq: message.seq + 1 });
    expect(to(patient.email)).toHaveLength(0);
  });

  it("after an email the next one waits for the cool-down unless the person has read; reading lets the next through", async () => {
    const { patient, doctor, roomId } = await pair(db());
    const key = unreadJobKey({ roomId, userId: patient.id });
    await send(roomId, doctor.id, "First");
    await onlyEmailTo(patient.email);
    await settled(db(), QUEUES.unreadMessage, key);
    const { message } = await send(roomId, doctor.id, "Second, not read yet");
    const jobs = await settled(db(), QUEUES.unreadMessage, key);
    expect(jobs.at(-2)!.output?.outcome).toBe("deferred");
    const deferred = jobs.at(-1)!;
    expect(deferred.state).toBe("created");
    expect(deferred.start_after.getTime() - Date.now()).toBeGreaterThan(55 * 60_000);
    expect(to(patient.email)).toHaveLength(1);

    await markRead({ roomId, userId: patient.id, seq: message.seq });
    expect((await jobsOf(db(), QUEUES.unreadMessage, key)).filter((j) => j.state === "created")).toHaveLength(0);
    await send(roomId, doctor.id, "Third, after the person read");
    await expect.poll(() => to(patient.email).length, { timeout: 20_000 }).toBe(2);
  });

  it("sends nothing to someone who chose no message emails, or the daily digest, or whose account was deactivated", async () => {
    const none = await pair(db());
    await saveNotificationSettings(none.patient.id, {
      messageEmails: "none",
      digestHour: 8,
      appointmentEmails: true,
      timeZone: "UTC",
    });
    const digest = await pair(db());
    await saveNotificationSettings(digest.patient.id, {
      messageEmails: "digest",
      digestHour: 8,
      appointmentEmails: true,
      timeZone: "UTC",
    });
    const gone = await pair(db());
    await db().update(users).set({ active: false }).where(eq(users.id, gone.patient.id));
    for (const p of [none, digest, gone]) await send(p.roomId, p.doctor.id, "Hello there");
    for (const p of [none, digest, gone]) {
      const [job] = await settled(db(), QUEUES.unreadMessage, unreadJobKey({ roomId: p.roomId, userId: p.patient.id }));
      expect(job!.output?.outcome).toBe("not-wanted");
      expect(to(p.patient.email)).toHaveLength(0);
    }
  });
});

describe("the daily digest", () => {
  it("goes out at the chosen hour in the person's own zone, names who wrote and how many, once a day", async () => {
    const { patient, doctor, roomId } = await pair(db(), { patient: "Di Gest", doctor: "Sam Sender" });
    await saveNotificationSettings(patient.id, {
      messageEmails: "digest",
      digestHour: 7,
      appointmentEmails: true,
      timeZone: "Asia/Kolkata",
    });
    await send(roomId, doctor.id, "Secret one");
    await send(roomId, doctor.id, "Secret two");
    // 01:30 UTC is 07:00 in Kolkata; 02:30 UTC is 08:00 there.
    expect(await handleDigestTick(new Date("2026-12-02T02:30:00Z"))).toBe(0);
    expect(await handleDigestTick(new Date("2026-12-02T01:30:00Z"))).toBeGreaterThanOrEqual(1);
    const email = await onlyEmailTo(patient.email);
    expect(email.parsed.subject).toBe("You have 2 unread secure messages in Carebridge");
    expect(email.parsed.text).toContain("2 from Dr Sam Sender");
    expect(email.raw).not.toContain("Secret");
    // A second pass within the same day sends nothing more.
    await handleDigestTick(new Date("2026-12-02T01:30:30Z"));
    await settled(db(), QUEUES.digest);
    expect(to(patient.email)).toHaveLength(1);
  });
});

describe("appointment emails", () => {
  let doctor: { id: string; email: string; name: string };
  let slots: Date[] = [];
  beforeAll(async () => {
    await seedDemoData(db());
    const [row] = await db()
      .select({ id: users.id, email: users.email, name: users.name })
      .from(users)
      .where(eq(users.email, DEMO_DOCTORS[1]!.email));
    doctor = row!;
    // Two days out at least, so that every accepted one has its reminder (none is queued for sooner).
    slots = (await freeSlotPool(doctor.id, "Europe/London", 40)).filter(
      (s) => s.getTime() > Date.now() + 48 * 3_600_000,
    );
  });
  const slot = () => slots.shift()!;

  it("tells the doctor of a request (never its reason), the patient of the accept with a calendar file, and both the day before", async () => {
    const patient = await person(db(), "patient", "Rita Request");
    const startsAt = slot();
    const { id } = await requestAppointment({
      patientId: patient.id,
      doctorId: doctor.id,
      startsAt,
      reason: "Embarrassing rash",
    });
    await expect
      .poll(() => to(doctor.email).some((e) => e.parsed.subject === "New appointment request from Rita Request"), {
        timeout: 20_000,
      })
      .toBe(true);
    expect(
      to(doctor.email)
        .map((e) => e.raw)
        .join(""),
    ).not.toContain("Embarrassing");

    const { roomId } = await transitionAppointment({ actorId: doctor.id, appointmentId: id, action: "accept" });
    const accepted = await onlyEmailTo(patient.email);
    expect(accepted.parsed.subject).toBe(`Dr ${doctor.name} accepted your appointment`);
    expect(accepted.parsed.text).toContain(`https://portal.example.test/chat/${roomId}`);
    const ics = accepted.parsed.attachments.find((a) => a.contentType === "text/calendar")!.content.toString();
    expect(ics).toContain(
      `DTSTART:${startsAt
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d{3}/, "")}`,
    );
    expect(ics).toContain(`UID:${id}@carebridge`);
    expect(ics).not.toContain("Embarrassing");

    const reminders = (await jobsOf(db(), QUEUES.appointmentEmail)).filter(
      (j) => j.data.appointmentId === id && j.data.event === "reminder",
    );
    expect(reminders.map((r) => r.data.recipientId).sort()).toEqual([patient.id, doctor.id].sort());
    for (const r of reminders) expect(r.start_after.getTime()).toBe(startsAt.getTime() - 24 * 3_600_000);
    const doctorBefore = to(doctor.email).length;
    await runNow(db(), QUEUES.appointmentEmail, { event: "reminder" });
    await expect.poll(() => to(patient.email).length, { timeout: 20_000 }).toBe(2);
    await expect.poll(() => to(doctor.email).length, { timeout: 20_000 }).toBe(doctorBefore + 1);
    const reminder = to(patient.email)[1]!;
    expect(reminder.parsed.subject).toBe(`Reminder: appointment with Dr ${doctor.name} tomorrow`);
    expect(reminder.parsed.attachments.some((a) => a.contentType === "text/calendar")).toBe(true);
  });

  it("tells the patient of a decline with the doctor's note, and of the doctor's or an admin's cancel; the doctor of the patient's", async () => {
    const declinedPatient = await person(db(), "patient", "Dee Clined");
    const declined = await requestAppointment({
      patientId: declinedPatient.id,
      doctorId: doctor.id,
      startsAt: slot(),
      reason: "x",
    });
    await transitionAppointment({
      actorId: doctor.id,
      appointmentId: declined.id,
      action: "decline",
      note: "I am away that week.",
    });
    const decline = await onlyEmailTo(declinedPatient.email);
    expect(decline.parsed.subject).toBe(`Dr ${doctor.name} could not accept your request`);
    expect(decline.parsed.text).toContain("Their note: I am away that week.");

    const cancels = await person(db(), "patient", "Can Celled");
    const one = await requestAppointment({ patientId: cancels.id, doctorId: doctor.id, startsAt: slot(), reason: "x" });
    await transitionAppointment({ actorId: doctor.id, appointmentId: one.id, action: "accept" });
    await transitionAppointment({ actorId: doctor.id, appointmentId: one.id, action: "cancel", note: "Called away." });
    await expect
      .poll(() => to(cancels.email).map((e) => e.parsed.subject), { timeout: 20_000 })
      .toEqual(expect.arrayContaining([expect.stringMatching(/^Appointment on .* cancelled$/)]));
    expect(to(cancels.email).find((e) => /cancelled$/.test(e.parsed.subject ?? ""))!.parsed.text).toContain(
      "Their note: Called away.",
    );

    const two = await requestAppointment({ patientId: cancels.id, doctorId: doctor.id, startsAt: slot(), reason: "x" });
    const doctorBefore = to(doctor.email).length;
    await transitionAppointment({ actorId: cancels.id, appointmentId: two.id, action: "cancel" });
    await expect
      .poll(
        () =>
          to(doctor.email)
            .slice(doctorBefore)
            .map((e) => e.parsed.text ?? ""),
        { timeout: 20_000 },
      )
      .toContainEqual(expect.stringContaining("Can Celled cancelled the appointment"));

    const [admin] = await db().select({ id: users.id }).from(users).where(eq(users.role, "admin")).limit(1);
    const three = await requestAppointment({
      patientId: cancels.id,
      doctorId: doctor.id,
      startsAt: slot(),
      reason: "x",
    });
    await adminCancelAppointment({ adminId: admin!.id, appointmentId: three.id, reason: "The clinic is closed." });
    await expect
      .poll(() => to(cancels.email).map((e) => e.parsed.text ?? ""), { timeout: 20_000 })
      .toContainEqual(expect.stringContaining("The clinic cancelled your appointment"));
  });

  it("tells the patient when a request's time came without an answer, and not when it was answered", async () => {
    const patient = await person(db(), "patient", "Lapsed Request");
    const lapsed = await requestAppointment({
      patientId: patient.id,
      doctorId: doctor.id,
      startsAt: slot(),
      reason: "x",
    });
    const answered = await requestAppointment({
      patientId: patient.id,
      doctorId: doctor.id,
      startsAt: slot(),
      reason: "x",
    });
    await transitionAppointment({ actorId: doctor.id, appointmentId: answered.id, action: "accept" });
    await expect.poll(() => to(patient.email).length, { timeout: 20_000 }).toBe(1);
    // Both requests' times "come" now: only the unanswered one is reported.
    await runNow(db(), QUEUES.appointmentEmail, { event: "expired" });
    await settled(db(), QUEUES.appointmentEmail);
    const subjects = to(patient.email).map((e) => e.parsed.subject);
    expect(subjects.filter((s) => s?.includes("was not answered in time"))).toHaveLength(1);
    const jobs = (await jobsOf(db(), QUEUES.appointmentEmail)).filter((j) => j.data.event === "expired");
    expect(jobs.find((j) => j.data.appointmentId === lapsed.id)!.output?.outcome).toBe("sent");
    expect(jobs.find((j) => j.data.appointmentId === answered.id)!.output?.outcome).toBe("no-longer-true");
  });

  it("sends none to someone who turned appointment emails off", async () => {
    const patient = await person(db(), "patient", "Quiet Patient");
    await saveNotificationSettings(patient.id, {
      messageEmails: "each",
      digestHour: 8,
      appointmentEmails: false,
      timeZone: "UTC",
    });
    const { id } = await requestAppointment({
      patientId: patient.id,
      doctorId: doctor.id,
      startsAt: slot(),
      reason: "x",
    });
    await transitionAppointment({ actorId: doctor.id, appointmentId: id, action: "accept" });
    await settled(db(), QUEUES.appointmentEmail);
    expect(to(patient.email)).toHaveLength(0);
    const [row] = await db().select({ status: appointments.status }).from(appointments).where(eq(appointments.id, id));
    expect(row!.status).toBe("accepted");
  });
});

describe("one-click unsubscribe", () => {
  const post = (token: string) =>
    unsubscribePost(
      new NextRequest(`http://localhost:3000/api/unsubscribe?token=${encodeURIComponent(token)}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://mail.example.net" },
        body: "List-Unsubscribe=One-Click",
      }),
    );

  it("turns off exactly the one setting, without a session, from any origin", async () => {
    const patient = await person(db(), "patient", "Un Subscribe");
    const before = await notificationSettingsOf(patient.id);
    expect(before.messageEmails).toBe("each");
    const response = await post(unsubscribeToken(patient.id, "messages"));
    expect(response.status).toBe(200);
    expect(await notificationSettingsOf(patient.id)).toEqual({ ...before, messageEmails: "none" });
    expect((await post(unsubscribeToken(patient.id, "appointments"))).status).toBe(200);
    expect(await notificationSettingsOf(patient.id)).toEqual({
      ...before,
      messageEmails: "none",
      appointmentEmails: false,
    });
  });

  it("refuses a forged or mangled token with 400 and changes nothing", async () => {
    const patient = await person(db(), "patient", "Not Forged");
    const other = await person(db(), "patient", "Someone Else");
    const forged = unsubscribeToken(other.id, "messages").replace(other.id, patient.id);
    for (const token of [forged, "x", "", `${unsubscribeToken(patient.id, "messages")}x`]) {
      const response = await post(token);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: "This unsubscribe link is not valid." });
    }
    expect((await notificationSettingsOf(patient.id)).messageEmails).toBe("each");
  });
});

describe("delivery for admins", () => {
  it("counts sent emails of the last day and lists dead letters by type and recipient only", async () => {
    const overview = await emailDeliveryOverview();
    expect(overview.sentLast24h).toBeGreaterThan(5);
    expect(overview.deadLetters.every((d) => !("data" in d))).toBe(true);
  });
});
