import { expect, test } from "@playwright/test";
import { expectAccessible, visit } from "./support/a11y";
import { DEMO, DEMO_PASSWORD, fillSignIn, signIn, signOut, uniqueEmail } from "./support/auth";

test("the landing page explains the product and links to sign in and register", async ({ page }) => {
  await visit(page, "/");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/login");
  await expect(page.getByRole("link", { name: "Create a patient account" })).toHaveAttribute("href", "/register");
});

test("a new patient registers, signs out, signs in again and lands on /patient", async ({ page }) => {
  const email = uniqueEmail("new.patient");
  await visit(page, "/register");
  await page.getByLabel("Full name").fill("Nora Newcomer");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a-long-enough-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/patient$/);
  await expect(page.getByRole("heading", { name: "Hello, Nora Newcomer" })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText("Patient");
  await expectAccessible(page);

  await signOut(page);
  await expectAccessible(page);
  await signIn(page, email.toUpperCase(), "a-long-enough-password", /\/patient$/);
  await expect(page.getByRole("heading", { name: "Hello, Nora Newcomer" })).toBeVisible();
});

test("registration explains what is wrong beside each field", async ({ page }) => {
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

  // An email already used, in another letter case.
  await page.getByLabel("Full name").fill("Carol Again");
  await page.getByLabel("Email").fill(DEMO.patient.email.toUpperCase());
  await page.getByLabel("Password").fill("another-long-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists. Sign in instead.")).toBeVisible();
  await expect(page).toHaveURL(/\/register$/);
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
