import { expect, test } from "./support/test";
import { expectAccessible, visit } from "./support/a11y";
import { signIn, uniqueEmail } from "./support/auth";
import { newPatient, signedIn } from "./support/people";

const suffix = () => Math.random().toString(36).slice(2, 7);

test("an admin creates a doctor, who must change the password and then appears in the directory", async ({
  browser,
}) => {
  const admin = await signedIn(browser, "admin@carebridge.test", /\/admin$/);
  await expectAccessible(admin);
  for (const path of ["/admin/users", "/admin/appointments", "/admin/rooms", "/admin/audit"]) await visit(admin, path);

  const name = `Nadia Newdoc ${suffix()}`;
  const email = uniqueEmail("doctor");
  await visit(admin, "/admin/users/new");
  await admin.getByLabel("Full name").fill(name);
  await admin.getByLabel("Email").fill(email);
  await admin.getByLabel("Specialty").fill("Neurology");
  await admin.getByLabel("Temporary password").fill("aaaaaaaaaaaa");
  await admin.getByRole("button", { name: "Create doctor account" }).click();
  await expect(admin.getByText("Mix letters with digits or symbols.")).toBeVisible();
  await expect(admin.getByLabel("Full name")).toHaveValue(name);
  await admin.getByLabel("Temporary password").fill("Temp-pass-4821");
  await admin.getByRole("button", { name: "Create doctor account" }).click();
  await expect(admin).toHaveURL(/\/admin\/users\?created=/);
  await expect(admin.getByRole("row").filter({ hasText: email })).toContainText("Doctor");

  const doctor = await (await browser.newContext()).newPage();
  await signIn(doctor, email, "Temp-pass-4821");
  await expect(doctor).toHaveURL(/\/account\/password$/);
  await expectAccessible(doctor);
  // Nothing else opens until the password is changed.
  await doctor.goto("/doctor");
  await expect(doctor).toHaveURL(/\/account\/password$/);
  await doctor.getByLabel("Current password").fill("Temp-pass-4821");
  await doctor.getByLabel("New password", { exact: true }).fill("my-own-password-77");
  await doctor.getByLabel("Repeat the new password").fill("my-own-password-77");
  await doctor.getByRole("button", { name: "Change password" }).click();
  await expect(doctor).toHaveURL(/\/doctor\?passwordChanged=1$/);
  await expect(doctor.getByRole("banner")).toContainText(name);

  const patient = await newPatient(browser, `Dir Patient ${suffix()}`);
  await patient.goto("/patient/doctors?specialty=Neurology");
  await expect(patient.getByRole("heading", { name: `Dr ${name}` })).toBeVisible();
});

test("an admin deactivates a signed-in patient, whose next page load lands on sign-in", async ({ browser }) => {
  const patientName = `Soon Gone ${suffix()}`;
  const patient = await newPatient(browser, patientName);
  await expect(patient.getByRole("heading", { name: `Hello, ${patientName}` })).toBeVisible();

  const admin = await signedIn(browser, "admin@carebridge.test", /\/admin$/);
  await admin.goto(`/admin/users?q=${encodeURIComponent(patientName)}`);
  const row = admin.getByRole("row").filter({ hasText: patientName });
  await row.getByRole("button", { name: `Deactivate ${patientName}` }).click();
  const dialog = admin.getByRole("dialog", { name: `Deactivate ${patientName}?` });
  await expectAccessible(admin);
  await dialog.getByRole("button", { name: "Deactivate" }).click();
  await expect(row).toContainText("Deactivated");

  // A new page of the same session: the open one may already be leaving for sign-in by itself
  // (the live stream tells it), which would interrupt a navigation started there.
  const nextLoad = await patient.context().newPage();
  await nextLoad.goto("/patient/appointments");
  await expect(nextLoad).toHaveURL(/\/login/);
  await expect(nextLoad.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(nextLoad.getByRole("status").filter({ hasText: "Your session has ended." })).toBeVisible();
  await expectAccessible(nextLoad);

  // The audit log shows it.
  await admin.goto(`/admin/audit?action=admin.user_deactivated`);
  await expect(admin.getByRole("row").filter({ hasText: "admin.user_deactivated" }).first()).toBeVisible();
});

test("admins see room metadata but never message bodies, and others never see the admin area", async ({ browser }) => {
  const admin = await signedIn(browser, "admin@carebridge.test", /\/admin$/);
  await admin.goto("/admin/rooms");
  await expect(admin.getByRole("row").filter({ hasText: "Carol Anderson" }).first()).toBeVisible();
  // A body from the demo conversations appears nowhere in the admin area.
  await expect(admin.getByText("Thank you. Does anything make it better")).toHaveCount(0);
  expect(await admin.content()).not.toContain("Bring a list of any medicines");

  const doctor = await signedIn(browser, "michael.chen@carebridge.test", /\/doctor$/);
  for (const path of ["/admin", "/admin/users", "/admin/audit", "/admin/rooms", "/admin/appointments"]) {
    expect((await doctor.goto(path))?.status()).toBe(404);
  }
});
