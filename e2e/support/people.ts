import { expect, type Browser, type Page } from "@playwright/test";
import { expectAccessible } from "./a11y";
import { DEMO_PASSWORD, fillSignIn, signIn, uniqueEmail } from "./auth";
import { linkIn, waitForEmail } from "./outbox";

export const PATIENT_PASSWORD = "a-long-enough-password";

/**
 * Registers a patient as a person does: the form answers "check your email", the link in the
 * confirmation email (the e2e server's outbox) confirms the address, then they sign in.
 */
export async function registerPatient(page: Page, name: string, email = uniqueEmail("patient")): Promise<string> {
  await page.goto("/register");
  await page.getByLabel("Full name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PATIENT_PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  const confirmation = await waitForEmail(email, /^Confirm your email address/);
  await page.goto(linkIn(confirmation, "/verify-email"));
  await page.getByRole("button", { name: "Confirm my email address" }).click();
  await expect(page).toHaveURL(/\/login\?verified=1$/);
  await fillSignIn(page, email, PATIENT_PASSWORD);
  await expect(page).toHaveURL(/\/patient$/);
  return email;
}

/** A fresh patient account, confirmed and signed in, in its own browser context. */
export async function newPatient(browser: Browser, name: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await registerPatient(page, name);
  return page;
}

/** A demo account signed in, in its own browser context. */
export async function signedIn(browser: Browser, email: string, home: RegExp): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email, DEMO_PASSWORD, home);
  return page;
}

/**
 * From the directory, requests a free time with this doctor; returns the time's label. Tests that
 * accept use distinct (day, slot) pairs per doctor, since accepting declines other requests for
 * the same time.
 */
export async function requestAppointment(
  page: Page,
  doctor: { name: string; specialty: string },
  reason: string,
  at: { day: number; slot: number } = { day: 1, slot: 0 },
): Promise<string> {
  await page.goto("/patient/doctors");
  await expectAccessible(page);
  await page.getByLabel("Specialty").selectOption(doctor.specialty);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: `Request an appointment with Dr ${doctor.name}` }).click();
  await expect(page.getByRole("heading", { name: `Dr ${doctor.name}` })).toBeVisible();
  // Day 0 may be today with no time left; later days always have free times.
  await page.getByRole("navigation", { name: "Days" }).getByRole("link").nth(at.day).click();
  await expect(page.getByRole("heading", { name: /Free times on/ })).toBeVisible();
  await expectAccessible(page);
  const slot = page.getByRole("radio").nth(at.slot);
  const label = (await slot.locator("xpath=..").innerText()).trim();
  await slot.check({ force: true });
  await page.getByLabel("Reason for your visit").fill(reason);
  await page.getByRole("button", { name: "Request appointment" }).click();
  await expect(page).toHaveURL(/\/patient\/appointments\?requested=/);
  await expect(page.getByRole("status").filter({ hasText: "Your request was sent." })).toBeVisible();
  return label;
}

/** A new patient and a demo doctor with an accepted appointment; both pages end on its chat. */
export async function acceptedPair(
  browser: Browser,
  doctor: { name: string; specialty: string; email: string },
  patientName: string,
  at: { day: number; slot: number },
): Promise<{ patient: Page; doctor: Page; roomPath: string }> {
  const patient = await newPatient(browser, patientName);
  await requestAppointment(patient, doctor, `Consultation for ${patientName}.`, at);
  const doctorPage = await signedIn(browser, doctor.email, /\/doctor$/);
  await doctorPage.goto("/doctor/requests");
  await doctorPage
    .getByRole("listitem")
    .filter({ hasText: patientName })
    .getByRole("button", { name: `Accept (${patientName})` })
    .click();
  await expect(doctorPage.getByText(`Accepted. A chat with ${patientName} is open.`)).toBeVisible();
  await patient.goto("/patient/appointments");
  const link = patient
    .getByRole("listitem")
    .filter({ hasText: `Consultation for ${patientName}.` })
    .getByRole("link", { name: /Open chat/ });
  const roomPath = (await link.getAttribute("href")) ?? "";
  expect(roomPath).toMatch(/^\/chat\/[0-9a-f-]{36}$/);
  await patient.goto(roomPath);
  await doctorPage.goto(roomPath);
  return { patient, doctor: doctorPage, roomPath };
}

/**
 * A doctor of their own (so changes to their hours or away period touch no other journey), made by
 * the admin, with the password changed, signed in, in its own browser context.
 */
export async function newDoctor(browser: Browser, name: string, specialty: string): Promise<Page> {
  const admin = await signedIn(browser, "admin@carebridge.test", /\/admin$/);
  const email = uniqueEmail("doctor");
  await admin.goto("/admin/users/new");
  await admin.getByLabel("Full name").fill(name);
  await admin.getByLabel("Email").fill(email);
  await admin.getByLabel("Specialty").fill(specialty);
  await admin.getByLabel("Temporary password").fill("Temp-pass-4821");
  await admin.getByRole("button", { name: "Create doctor account" }).click();
  await expect(admin).toHaveURL(/\/admin\/users\?created=/);
  await admin.context().close();

  const doctor = await (await browser.newContext()).newPage();
  await signIn(doctor, email, "Temp-pass-4821");
  await doctor.getByLabel("Current password").fill("Temp-pass-4821");
  await doctor.getByLabel("New password", { exact: true }).fill("my-own-password-77");
  await doctor.getByLabel("Repeat the new password").fill("my-own-password-77");
  await doctor.getByRole("button", { name: "Change password" }).click();
  await expect(doctor).toHaveURL(/\/doctor\?passwordChanged=1$/);
  return doctor;
}
