import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { expectAccessible } from "./support/a11y";
import { signIn, uniqueEmail } from "./support/auth";
import { acceptedPair, PATIENT_PASSWORD, registerPatient, requestAppointment, signedIn } from "./support/people";

const suffix = () => Math.random().toString(36).slice(2, 7);
const SARAH = { name: "Sarah Patel", specialty: "General Practice", email: "sarah.patel@carebridge.test" };
const MICHAEL = { name: "Michael Chen", specialty: "Dermatology", email: "michael.chen@carebridge.test" };
const JAMES = { name: "James Okafor", specialty: "Paediatrics", email: "james.okafor@carebridge.test" };
const POLL = { timeout: 25_000 };

const thread = (page: Page) => page.getByRole("log", { name: "Messages" });
const box = (page: Page) => page.getByLabel("Message", { exact: true });

/** A weekday about two weeks ahead (the demo doctors work Monday to Friday), as yyyy-mm-dd. */
function weekdayAhead(): string {
  const d = new Date(Date.now() + 14 * 86_400_000);
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

test("a patient proposes a new time, the doctor accepts it: the appointment moves and both see the system line", async ({
  browser,
}) => {
  const patientName = `Moving Patient ${suffix()}`;
  const { patient, doctor, roomPath } = await acceptedPair(browser, SARAH, patientName, { day: 3, slot: 2 });

  await patient.goto("/patient/appointments");
  const card = patient.getByRole("listitem").filter({ hasText: `Consultation for ${patientName}.` });
  // "Add to calendar" answers a calendar file for the appointment.
  const calendarHref = await card.getByRole("link", { name: /Add to calendar/ }).getAttribute("href");
  const ics = await patient.request.get(calendarHref!);
  expect(ics.status()).toBe(200);
  expect(ics.headers()["content-type"]).toBe("text/calendar; charset=utf-8");
  const before = await ics.text();

  await card.getByRole("button", { name: /Propose a new time/ }).click();
  const dialog = patient.getByRole("dialog", { name: "Propose a new time" });
  await dialog.getByLabel("Day").fill(weekdayAhead());
  const slot = dialog.getByRole("radio").first();
  await expect(slot).toBeAttached();
  await expectAccessible(patient);
  await slot.check({ force: true });
  await dialog.getByRole("button", { name: "Propose this time" }).click();
  await expect(patient.getByText(/New time proposed/)).toBeVisible();

  // The patient sees it pending on their dashboard; the doctor answers it on theirs.
  await patient.goto("/patient");
  await expect(patient.getByText(/You proposed to Dr Sarah Patel/)).toBeVisible();
  await doctor.goto("/doctor");
  const proposal = doctor.getByRole("listitem").filter({ hasText: `${patientName} proposes` });
  await expect(proposal).toBeVisible();
  await expectAccessible(doctor);
  await proposal.getByRole("button", { name: `Accept new time (${patientName})` }).click();
  await expect(doctor.getByText("Appointment moved.")).toBeVisible();

  for (const page of [doctor, patient]) {
    await page.goto(roomPath);
    await expect(thread(page).getByText(/^Moved from .+ to .+/)).toBeVisible(POLL);
  }
  await expectAccessible(patient);
  // The calendar file follows the move.
  const after = await (await patient.request.get(calendarHref!)).text();
  const start = (s: string) => /DTSTART[^:]*:(\S+)/.exec(s)?.[1];
  expect(start(after)).not.toBe(start(before));
});

test("a search result opens its thread at that message; at 360 px too", async ({ browser }) => {
  const patientName = `Searching Patient ${suffix()}`;
  const { patient, doctor, roomPath } = await acceptedPair(browser, MICHAEL, patientName, { day: 4, slot: 1 });
  const word = `zinc${suffix()}`;
  await box(doctor).fill(`Apply the ${word} ointment twice a day.`);
  await box(doctor).press("Enter");
  await expect(thread(patient).getByText(`Apply the ${word} ointment`)).toBeVisible(POLL);

  await patient.goto("/chat");
  await patient.getByRole("searchbox", { name: "Search your messages" }).fill(word.slice(0, 6));
  await patient.getByRole("button", { name: "Search" }).click();
  const results = patient.getByRole("region", { name: /Messages matching/ });
  const result = results.getByRole("link").filter({ hasText: "Dr Michael Chen" });
  await expect(result).toBeVisible();
  await expect(result.locator("mark")).toHaveText(word);
  await expectAccessible(patient);

  await patient.setViewportSize({ width: 360, height: 740 });
  await expectAccessible(patient);
  expect(await patient.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await patient.setViewportSize({ width: 1280, height: 720 });

  await result.click();
  await expect(patient).toHaveURL(new RegExp(`${roomPath}\\?at=\\d+$`));
  const found = thread(patient).locator("li[data-found=true]");
  await expect(found).toContainText(`Apply the ${word} ointment`);
  await expect(found).toBeInViewport();
  await expectAccessible(patient);
});

async function acceptedWithEmail(browser: Browser, patientName: string) {
  const patient = await (await browser.newContext()).newPage();
  const email = await registerPatient(patient, patientName, uniqueEmail("drafts"));
  await requestAppointment(patient, JAMES, `Consultation for ${patientName}.`, { day: 5, slot: 3 });
  const doctor = await signedIn(browser, JAMES.email, /\/doctor$/);
  await doctor.goto("/doctor/requests");
  await doctor
    .getByRole("listitem")
    .filter({ hasText: patientName })
    .getByRole("button", { name: `Accept (${patientName})` })
    .click();
  await expect(doctor.getByText(`Accepted. A chat with ${patientName} is open.`)).toBeVisible();
  await patient.goto("/patient/appointments");
  const roomPath = await patient
    .getByRole("listitem")
    .filter({ hasText: `Consultation for ${patientName}.` })
    .getByRole("link", { name: /Open chat/ })
    .getAttribute("href");
  return { patient, email, roomPath: roomPath! };
}

test("a draft typed on one device appears on another of the same person, and sending clears it", async ({
  browser,
}) => {
  const { patient, email, roomPath } = await acceptedWithEmail(browser, `Drafting Patient ${suffix()}`);
  await patient.goto(roomPath);
  // The composer saves a second after typing stops (a server action posted to the page).
  const saved = patient.waitForResponse(
    (r) => r.request().method() === "POST" && (r.request().postData() ?? "").includes("Is it normal that the rash"),
  );
  await box(patient).pressSequentially("Is it normal that the rash");
  await saved;

  const second = await (await browser.newContext()).newPage();
  await signIn(second, email, PATIENT_PASSWORD, /\/patient$/);
  // The conversation list marks the room with a draft.
  await second.goto("/chat");
  await expect(second.locator(`a[href="${roomPath}"]`)).toContainText("Draft ·");
  await second.goto(roomPath);
  await expect(box(second)).toHaveValue("Is it normal that the rash");
  await expectAccessible(second);

  await box(second).press("Enter");
  await expect(thread(second).getByText("Is it normal that the rash")).toBeVisible();
  await patient.reload();
  await expect(box(patient)).toHaveValue("");
  await second.goto("/chat");
  await expect(second.locator(`a[href="${roomPath}"]`)).toContainText("Is it normal that the rash");
  await expect(second.locator(`a[href="${roomPath}"]`)).not.toContainText("Draft ·");
});
