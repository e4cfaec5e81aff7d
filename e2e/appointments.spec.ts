import { expect, test } from "./support/test";
import { expectAccessible } from "./support/a11y";
import { newDoctor, newPatient, requestAppointment, signedIn } from "./support/people";

const suffix = () => Math.random().toString(36).slice(2, 7);

test("a patient requests an appointment, the doctor accepts it, and both see it accepted with a chat link", async ({
  browser,
}) => {
  const patientName = `Paula Request ${suffix()}`;
  const patient = await newPatient(browser, patientName);
  await requestAppointment(patient, { name: "Michael Chen", specialty: "Dermatology" }, "An itchy patch on my elbow.", {
    day: 1,
    slot: 0,
  });
  const mine = patient
    .getByRole("listitem")
    .filter({ hasText: "Dr Michael Chen" })
    .filter({ hasText: "An itchy patch on my elbow." });
  await expect(mine).toContainText("Requested");
  await expectAccessible(patient);

  const doctor = await signedIn(browser, "michael.chen@carebridge.test", /\/doctor$/);
  await doctor.goto("/doctor/requests");
  await expectAccessible(doctor);
  const request = doctor.getByRole("listitem").filter({ hasText: patientName });
  await expect(request).toContainText("An itchy patch on my elbow.");
  await request.getByRole("button", { name: `Accept (${patientName})` }).click();
  await expect(doctor.getByText(`Accepted. A chat with ${patientName} is open.`)).toBeVisible();
  await expect(request).toHaveCount(0);

  await doctor.goto("/doctor/appointments");
  await expectAccessible(doctor);
  const accepted = doctor.getByRole("listitem").filter({ hasText: patientName });
  await expect(accepted).toContainText("Accepted");
  await expect(accepted.getByRole("link", { name: `Open chat with ${patientName}` })).toHaveAttribute(
    "href",
    /^\/chat\/[0-9a-f-]{36}$/,
  );

  await patient.reload();
  await expect(mine).toContainText("Accepted");
  await expect(mine.getByRole("link", { name: "Open chat with Dr Michael Chen · Dermatology" })).toHaveAttribute(
    "href",
    /^\/chat\/[0-9a-f-]{36}$/,
  );
});

test("a doctor declines with a note the patient then reads", async ({ browser }) => {
  const patientName = `Dan Decline ${suffix()}`;
  const patient = await newPatient(browser, patientName);
  await requestAppointment(patient, { name: "James Okafor", specialty: "Paediatrics" }, "My daughter has a fever.");

  const doctor = await signedIn(browser, "james.okafor@carebridge.test", /\/doctor$/);
  await doctor.goto("/doctor/requests");
  const request = doctor.getByRole("listitem").filter({ hasText: patientName });
  await request.getByRole("button", { name: `Decline (${patientName})` }).click();
  const dialog = doctor.getByRole("dialog", { name: `Decline ${patientName}'s request?` });
  await expect(dialog).toBeVisible();
  await expectAccessible(doctor);
  // The note is required.
  await dialog.getByRole("button", { name: "Decline request" }).click();
  await expect(dialog.getByText("Add a short note for the patient.")).toBeVisible();
  await dialog.getByLabel("Note for the patient").fill("Please see your GP first.");
  await dialog.getByRole("button", { name: "Decline request" }).click();
  await expect(dialog).toBeHidden();
  await expect(request).toHaveCount(0);

  await patient.reload();
  const mine = patient.getByRole("listitem").filter({ hasText: "My daughter has a fever." });
  await expect(mine).toContainText("Declined");
  await expect(mine).toContainText("Please see your GP first.");
  await expect(mine.getByRole("link", { name: /Open chat/ })).toHaveCount(0);
});

test("a patient cancels a request after confirming, and Escape keeps it", async ({ browser }) => {
  const patient = await newPatient(browser, `Cara Cancel ${suffix()}`);
  await requestAppointment(
    patient,
    { name: "Sarah Patel", specialty: "General Practice" },
    "Repeat prescription review.",
  );
  const mine = patient.getByRole("listitem").filter({ hasText: "Repeat prescription review." });
  await mine.getByRole("button", { name: /Cancel appointment/ }).click();
  const dialog = patient.getByRole("dialog", { name: "Cancel this appointment?" });
  await expect(dialog).toBeVisible();
  await expectAccessible(patient);
  await patient.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  // Focus goes back to the button that opened the dialog.
  await expect(mine.getByRole("button", { name: /Cancel appointment/ })).toBeFocused();
  await expect(mine).toContainText("Requested");

  await mine.getByRole("button", { name: /Cancel appointment/ }).click();
  await dialog.getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(patient.getByText("Appointment cancelled.")).toBeVisible();
  await expect(mine).toContainText("Cancelled");
  await expect(mine.getByRole("button", { name: /Cancel appointment/ })).toHaveCount(0);
});

test("a doctor's working hours are saved and shape the times patients see", async ({ browser }) => {
  // A doctor of their own: a Saturday added to a demo doctor would shift the days other journeys book.
  test.setTimeout(240_000);
  const doctorName = `Sam Saturday ${suffix()}`;
  const specialty = `Weekend Care ${suffix()}`;
  const doctor = await newDoctor(browser, doctorName, specialty);
  await doctor.goto("/doctor/settings");
  await expectAccessible(doctor);
  await doctor.getByLabel("Saturday", { exact: true }).check();
  await doctor.getByLabel("Saturday start").selectOption("10:00");
  await doctor.getByLabel("Saturday end").selectOption("12:00");
  await doctor.getByRole("button", { name: "Save working hours" }).click();
  await expect(doctor.getByText("Working hours saved.")).toBeVisible();
  await doctor.reload();
  await expect(doctor.getByLabel("Saturday", { exact: true })).toBeChecked();
  await expect(doctor.getByLabel("Saturday end")).toHaveValue("12:00");

  const patient = await newPatient(browser, `Sam Patient ${suffix()}`);
  await patient.goto(`/patient/doctors?specialty=${encodeURIComponent(specialty)}`);
  await patient.getByRole("link", { name: `Request an appointment with Dr ${doctorName}` }).click();
  const saturday = patient.getByRole("navigation", { name: "Days" }).getByRole("link", { name: /^Sat/ }).nth(1);
  await saturday.click();
  await expect(patient.getByRole("radio")).toHaveCount(4);
});

test("bad input to the booking page gets a clear answer, not a crash", async ({ browser }) => {
  const patient = await newPatient(browser, `Bea Bad ${suffix()}`);
  const missing = await patient.goto("/patient/doctors/not-a-uuid");
  expect(missing?.status()).toBe(404);
  const unknown = await patient.goto("/patient/doctors/00000000-0000-4000-8000-000000000000");
  expect(unknown?.status()).toBe(404);
  await expectAccessible(patient);
  const odd = await patient.goto("/patient/doctors?specialty=%00%FF&q=" + "x".repeat(5000));
  expect(odd?.status()).toBe(200);
  await expect(patient.getByRole("heading", { name: "Find a doctor" })).toBeVisible();
});
