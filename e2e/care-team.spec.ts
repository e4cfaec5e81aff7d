import type { Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { expectAccessible, visit } from "./support/a11y";
import { newDoctor, newPatient, requestAppointment, signedIn } from "./support/people";

const suffix = () => Math.random().toString(36).slice(2, 7);
const PHONE = { width: 360, height: 760 };
// Polling is every 10 s; allow for one missed tick.
const POLL = { timeout: 25_000 };

const thread = (page: Page) => page.getByRole("log", { name: "Messages" });
const box = (page: Page) => page.getByLabel("Message", { exact: true });

async function send(page: Page, text: string) {
  await box(page).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

/** A date in London (the doctors' zone) as YYYY-MM-DD, `days` from today. */
function londonDate(days: number): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(
    new Date(Date.now() + days * 86_400_000),
  );
}

test("a doctor's away notice shows before the patient writes, and the first message gets one automatic reply", async ({
  browser,
}) => {
  // A long journey (an admin makes the doctor, a patient registers and books): room on a busy machine.
  test.setTimeout(240_000);
  const doctorName = `Avery Away ${suffix()}`;
  const specialty = `Away Care ${suffix()}`;
  const patientName = `Waiting Patient ${suffix()}`;
  const doctor = await newDoctor(browser, doctorName, specialty);
  const patient = await newPatient(browser, patientName);

  // The directory tells the patient when to expect an answer.
  await patient.goto(`/patient/doctors?specialty=${encodeURIComponent(specialty)}`);
  await expect(patient.getByText(`Dr ${doctorName} usually replies within 2 business days.`)).toBeVisible();

  await requestAppointment(patient, { name: doctorName, specialty }, `Follow-up for ${patientName}.`, {
    day: 2,
    slot: 1,
  });
  await doctor.goto("/doctor/requests");
  await doctor.getByRole("button", { name: `Accept (${patientName})` }).click();
  await expect(doctor.getByText(`Accepted. A chat with ${patientName} is open.`)).toBeVisible();

  // The doctor goes away from today until the day after tomorrow, naming a colleague.
  await visit(doctor, "/doctor/settings");
  await doctor.getByLabel("I will be away").check();
  await doctor.getByLabel("First day away").fill(londonDate(0));
  await doctor.getByLabel("Back on").fill(londonDate(2));
  await doctor.getByLabel("Short message for patients").fill("I am at a conference.");
  await doctor.getByLabel("Colleague to contact meanwhile (optional)").fill("Dr Sarah Patel");
  await doctor.getByRole("button", { name: "Save care settings" }).click();
  await expect(doctor.getByText("Saved. Patients see the new settings now.")).toBeVisible();
  await expectAccessible(doctor);

  // The directory and the thread show the notice before the patient writes.
  await patient.goto(`/patient/doctors?specialty=${encodeURIComponent(specialty)}`);
  await expect(patient.getByRole("note", { name: `Dr ${doctorName} is away` })).toContainText(
    "I am at a conference. Meanwhile you can contact Dr Sarah Patel.",
  );
  await patient.goto("/patient/appointments");
  await patient
    .getByRole("listitem")
    .filter({ hasText: `Follow-up for ${patientName}.` })
    .getByRole("link", { name: /Open chat/ })
    .click();
  await expect(patient).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
  const roomPath = new URL(patient.url()).pathname;
  const notice = patient.getByRole("note", { name: "Away notice" });
  await expect(notice).toContainText(`Dr ${doctorName} is away and back on`);
  await expect(notice).toContainText("I am at a conference.");
  await expectAccessible(patient);

  // The first message gets one automatic reply, marked as such; the next gets none.
  await send(patient, "Is my result back?");
  const automatic = thread(patient).locator('[data-kind="auto_reply"]');
  await expect(automatic).toHaveCount(1, POLL);
  await expect(automatic).toContainText("Automatic reply");
  await expect(automatic).toContainText("Meanwhile you can contact Dr Sarah Patel.");
  // Beside the emergency notice, the composer says again when to expect an answer.
  await expect(patient.getByText(`Sent. Dr ${doctorName} usually replies within 2 business days.`)).toBeVisible();
  await send(patient, "Thank you, I will wait.");
  await expect(thread(patient).getByText("Thank you, I will wait.")).toBeVisible();
  await patient.reload();
  await expect(thread(patient).locator('[data-kind="auto_reply"]')).toHaveCount(1);
  await expectAccessible(patient);

  // The doctor sees the reply in their thread, apart from their own messages.
  await doctor.goto(roomPath);
  await expect(thread(doctor).locator('[data-kind="auto_reply"]')).toHaveCount(1);
  await expect(thread(doctor).getByText("Is my result back?")).toBeVisible();

  // On a phone the notice and the composer both fit.
  await patient.setViewportSize(PHONE);
  await patient.reload();
  await expect(patient.getByRole("note", { name: "Away notice" })).toBeVisible();
  await expect(box(patient)).toBeVisible();
  await expectAccessible(patient);
});

test("a conversation past its reply window is read-only, offers a new appointment, and its doctor reopens it", async ({
  browser,
}) => {
  // The demo's conversation of Henry Wilson with Dr James Okafor: its appointment was two working
  // days ago. With a window of one day it has closed (the window goes back to 14 days at the end).
  const doctor = await signedIn(browser, "james.okafor@carebridge.test", /\/doctor$/);
  await doctor.goto("/doctor/settings");
  await doctor.getByLabel("Conversations stay open after the appointment (days)").fill("1");
  await doctor.getByRole("button", { name: "Save care settings" }).click();
  await expect(doctor.getByText("Saved. Patients see the new settings now.")).toBeVisible();

  try {
    const patient = await signedIn(browser, "henry.wilson@carebridge.test", /\/patient$/);
    await patient.goto("/chat");
    const listed = patient.getByRole("link", { name: /James Okafor/ }).first();
    await expect(listed).toContainText("Closed");
    await listed.click();
    await expect(patient).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
    const roomPath = new URL(patient.url()).pathname;
    await expect(patient.getByText(/This conversation closed on .+\. You can still read it\./)).toBeVisible();
    await expect(box(patient)).toHaveCount(0);
    // Messages already written stay.
    await expect(thread(patient).getByRole("listitem").first()).toBeVisible();
    const rebook = patient.getByRole("link", { name: "Request a new appointment" });
    await expect(rebook).toHaveAttribute("href", /^\/patient\/doctors\/[0-9a-f-]{36}$/);
    await expectAccessible(patient);

    await doctor.goto(roomPath);
    await expect(doctor.getByText(/This conversation closed on/)).toBeVisible();
    await expectAccessible(doctor);
    await doctor.getByRole("button", { name: "Reopen for 1 day" }).click();
    await expect(box(doctor)).toBeVisible();
    await expect(thread(doctor).getByText(/Dr James Okafor reopened this conversation until/)).toBeVisible();

    // The patient's open page follows without a reload: the notice, then the composer.
    await expect(thread(patient).getByText(/Dr James Okafor reopened this conversation until/)).toBeVisible(POLL);
    await expect(box(patient)).toBeVisible();
    await send(patient, "Thank you for reopening.");
    await expect(thread(doctor).getByText("Thank you for reopening.")).toBeVisible(POLL);
    await expect(rebook).toHaveCount(0);
    await expectAccessible(patient);
  } finally {
    await doctor.goto("/doctor/settings");
    await doctor.getByLabel("Conversations stay open after the appointment (days)").fill("14");
    await doctor.getByRole("button", { name: "Save care settings" }).click();
    await expect(doctor.getByText("Saved. Patients see the new settings now.")).toBeVisible();
  }
});
