import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { appointments, doctorProfiles, users, workingHours } from "@/db/schema";
import { DEFAULT_WORKING_HOURS } from "@/lib/shared/slots";
import { setupTestDatabase } from "@/test/db";
import { freeSlotPool } from "@/test/matrix/world";
import { requestAppointment } from "./requests";

const t = setupTestDatabase();
const db = () => t.handle.db;

async function person(role: "patient" | "doctor") {
  const [row] = await db()
    .insert(users)
    .values({
      name: `Flood ${role}`,
      email: `flood.${crypto.randomBytes(4).toString("hex")}@example.test`,
      passwordHash: "x",
      role,
    })
    .returning({ id: users.id });
  if (role === "doctor") {
    await db()
      .insert(doctorProfiles)
      .values({ userId: row!.id, specialty: "General Practice", timeZone: "Europe/London" });
    await db()
      .insert(workingHours)
      .values(DEFAULT_WORKING_HOURS.map((h) => ({ doctorId: row!.id, ...h })));
  }
  return row!.id;
}
const waiting = async (patientId: string) =>
  (
    await db()
      .select({ id: appointments.id })
      .from(appointments)
      .where(and(eq(appointments.patientId, patientId), eq(appointments.status, "requested")))
  ).length;
const ask = (patientId: string, doctorId: string, startsAt: Date) =>
  requestAppointment({ patientId, doctorId, startsAt, reason: "Flood" }).then(
    () => "ok",
    (e: Error) => e.message,
  );

describe("a flood of requests", () => {
  it("is stopped at 3 waiting with one doctor and 10 in all, with a clear message", async () => {
    const patient = await person("patient");
    const doctors = [await person("doctor"), await person("doctor"), await person("doctor"), await person("doctor")];
    const slots = await Promise.all(doctors.map((d) => freeSlotPool(d, "Europe/London", 6)));
    expect(await Promise.all([0, 1, 2].map((i) => ask(patient, doctors[0]!, slots[0]![i]!)))).toEqual([
      "ok",
      "ok",
      "ok",
    ]);
    expect(await ask(patient, doctors[0]!, slots[0]![3]!)).toBe(
      "You already have 3 requests waiting with this doctor. Wait for an answer, or cancel one, before asking for another time.",
    );
    for (const d of [1, 2])
      for (const i of [0, 1, 2]) expect(await ask(patient, doctors[d]!, slots[d]![i]!)).toBe("ok");
    expect(await ask(patient, doctors[3]!, slots[3]![0]!)).toBe("ok");
    expect(await waiting(patient)).toBe(10);
    expect(await ask(patient, doctors[3]!, slots[3]![1]!)).toBe(
      "You already have 10 requests waiting. Wait for answers, or cancel some, before asking for more.",
    );
    expect(await waiting(patient)).toBe(10);
  });

  it("sent all at once still lets only 3 through to one doctor", async () => {
    const patient = await person("patient");
    const doctor = await person("doctor");
    const slots = await freeSlotPool(doctor, "Europe/London", 25);
    const answers = await Promise.all(slots.map((s) => ask(patient, doctor, s)));
    expect(answers.filter((a) => a === "ok")).toHaveLength(3);
    expect(await waiting(patient)).toBe(3);
  });

  it("the same patient cannot hold two waiting requests for the same time with the same doctor", async () => {
    const patient = await person("patient");
    const doctor = await person("doctor");
    const [slot] = await freeSlotPool(doctor, "Europe/London", 1);
    const answers = await Promise.all([ask(patient, doctor, slot!), ask(patient, doctor, slot!)]);
    expect(answers.sort()).toEqual(["You have already requested this time with this doctor.", "ok"]);
  });

  it("takes its limits from the environment", async () => {
    vi.stubEnv("PENDING_REQUESTS_PER_DOCTOR", "1");
    try {
      const patient = await person("patient");
      const doctor = await person("doctor");
      const slots = await freeSlotPool(doctor, "Europe/London", 2);
      expect(await ask(patient, doctor, slots[0]!)).toBe("ok");
      expect(await ask(patient, doctor, slots[1]!)).toMatch(/^You already have 1 requests waiting/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
