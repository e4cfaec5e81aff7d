import { expect, test } from "./support/test";
import { expectAccessible, visit } from "./support/a11y";
import { DEMO, DEMO_PASSWORD, fillSignIn, signIn, signOut, uniqueEmail } from "./support/auth";
import { linkIn, waitForEmail } from "./support/outbox";
import { PATIENT_PASSWORD, registerPatient } from "./support/people";

test("the landing page explains the product and links to sign in and register", async ({ page }) => {
  await visit(page, "/");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/login");
  await expect(page.getByRole("link", { name: "Create a patient account" })).toHaveAttribute("href", "/register");
});

test("a new patient registers, confirms the address from the email, signs out, signs in again and lands on /patient", async ({
  page,
}) => {
  const email = uniqueEmail("new.patient");
  await visit(page, "/register");
  await page.getByLabel("Full name").fill("Nora Newcomer");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PATIENT_PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await expectAccessible(page);
  const confirmation = await waitForEmail(email, /^Confirm your email address for Carebridge$/);
  await visit(page, linkIn(confirmation, "/verify-email"));
  await page.getByRole("button", { name: "Confirm my email address" }).click();
  await expect(page.getByRole("status")).toContainText("Your email address is confirmed.");
  await expectAccessible(page);
  await fillSignIn(page, email, PATIENT_PASSWORD);
  await expect(page).toHaveURL(/\/patient$/);
  await expect(page.getByRole("heading", { name: "Hello, Nora Newcomer" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Confirm your email address" })).toHaveCount(0);
  await expect(page.getByRole("banner")).toContainText("Patient");
  await expectAccessible(page);

  await signOut(page);
  await expectAccessible(page);
  await signIn(page, email.toUpperCase(), PATIENT_PASSWORD, /\/patient$/);
  await expect(page.getByRole("heading", { name: "Hello, Nora Newcomer" })).toBeVisible();
});

test("registration explains what is wrong beside each field, and answers a taken address exactly as a new one", async ({
  page,
}) => {
  await visit(page, "/register");
  await page.getByLabel("Full name").fill("   ");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter your name.")).toBeVisible();
  await expect(page.getByText("Enter a valid email address, like name@example.com.")).toBeVisible();
  await expect(page.getByText("Use at least 10 characters.")).toBeVisible();
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);

  // An address that has an account, in another letter case: the same answer, and an email to its owner.
  const owner = uniqueEmail("owner");
  await registerPatient(await (await page.context().browser()!.newContext()).newPage(), "Olive Owner", owner);
  await page.getByLabel("Full name").fill("Carol Again");
  await page.getByLabel("Email").fill(owner.toUpperCase());
  await page.getByLabel("Password").fill("another-long-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await expect(page.getByText("An account with this email already exists")).toHaveCount(0);
  const warning = await waitForEmail(owner, /^Someone tried to register with your email address$/);
  expect(linkIn(warning, "/forgot-password")).toBe("/forgot-password");
});

test("a forgotten password: the same answer for any address, a single-use link by email, and every other session ended", async ({
  browser,
  page,
}) => {
  const email = uniqueEmail("forgetful");
  await registerPatient(page, "Fern Forgetful", email);
  // Another device stays signed in until the reset.
  const phone = await (await browser.newContext()).newPage();
  await signIn(phone, email, PATIENT_PASSWORD, /\/patient$/);
  await signOut(page);

  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await expectAccessible(page);
  const answerFor = async (address: string) => {
    await page.goto("/forgot-password");
    await page.getByLabel("Email").fill(address);
    await page.getByRole("button", { name: "Send me a link" }).click();
    const status = page.getByRole("status");
    await expect(status).toBeVisible();
    return status.innerText();
  };
  const unknown = await answerFor(uniqueEmail("nobody"));
  const known = await answerFor(email);
  expect(known).toBe(unknown);
  expect(known).toContain("If an account exists for that address, we have sent a link");
  await expectAccessible(page);

  const resetEmail = await waitForEmail(email, /^Reset your Carebridge password$/);
  expect(resetEmail.text).toContain("30 minutes");
  const link = linkIn(resetEmail, "/reset-password");
  await visit(page, link);
  await page.getByLabel("New password", { exact: true }).fill("a-brand-new-password");
  await page.getByLabel("Repeat the new password").fill("a-brand-new-password");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page).toHaveURL(/\/login\?reset=1$/);
  await expect(page.getByRole("status")).toContainText("Your password was changed");
  await expectAccessible(page);

  // The other device's session ended; the old password no longer works; the new one does.
  await phone.goto("/patient");
  await expect(phone).toHaveURL(/\/login/);
  await fillSignIn(page, email, PATIENT_PASSWORD);
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Email or password is incorrect.");
  await signIn(page, email, "a-brand-new-password", /\/patient$/);

  // The link worked once.
  await signOut(page);
  await page.goto(link);
  await page.getByLabel("New password", { exact: true }).fill("yet-another-password");
  await page.getByLabel("Repeat the new password").fill("yet-another-password");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("This link has expired or was already used.");
  await expectAccessible(page);
});

for (const [role, home] of [
  ["patient", "/patient"],
  ["doctor", "/doctor"],
  ["admin", "/admin"],
] as const) {
  test(`the demo ${role} lands on ${home} with their name and role shown`, async ({ page }) => {
    await signIn(page, DEMO[role].email, DEMO_PASSWORD, new RegExp(`${home}$`));
    await expect(page.getByRole("banner")).toContainText(DEMO[role].name);
    await expectAccessible(page);
    // A signed-in visitor to the landing page or the sign-in page goes home.
    await page.goto("/");
    await expect(page).toHaveURL(new RegExp(`${home}$`));
    await page.goto("/login");
    await expect(page).toHaveURL(new RegExp(`${home}$`));
  });
}

test("a patient opening the admin and doctor areas gets not-found, never their content", async ({ page }) => {
  await signIn(page, DEMO.patient.email, DEMO_PASSWORD, /\/patient$/);
  for (const path of ["/admin", "/doctor"]) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: /not found/i })).toBeVisible();
    await expect(page.getByText("Users by role")).toHaveCount(0);
    await expect(page.getByText("Pending requests")).toHaveCount(0);
    await expectAccessible(page);
  }
});

test("a signed-out visitor is sent to sign in and comes back to the page they asked for", async ({ page }) => {
  await page.goto("/doctor");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdoctor$/);
  await expectAccessible(page);
  await fillSignIn(page, DEMO.doctor.email, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/doctor$/);
  await expect(page.getByRole("banner")).toContainText(DEMO.doctor.name);
});

test("a wrong password and an unknown email get the same message", async ({ page }) => {
  await signIn(page, DEMO.patient.email, "not-the-password");
  const alert = page.getByRole("alert").filter({ hasText: "Email or password is incorrect." });
  await expect(alert).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  await expectAccessible(page);
  await fillSignIn(page, "nobody@example.com", "whatever-password");
  await expect(alert).toBeVisible();
});

test("an unknown page shows a helpful not-found page", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Go to my home page" })).toBeVisible();
  await expectAccessible(page);
});
