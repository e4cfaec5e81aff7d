import { expect, test } from "./support/test";
import { expectAccessible } from "./support/a11y";
import { fillSignIn, signIn, signOut } from "./support/auth";
import { registerPatient } from "./support/people";
import type { Page } from "@playwright/test";

const PASSWORD = "a-long-enough-password";

/** One sign-in attempt from the sign-in page, waiting for its answer (the form clears the password). */
async function attempt(page: Page, email: string, password: string, answer: string | RegExp) {
  await fillSignIn(page, email, password);
  await expect(page.getByLabel("Password")).toHaveValue("");
  await expect(page.getByRole("main").getByRole("alert")).toContainText(answer);
}

async function signedOutOnLoginPage(page: Page) {
  await signOut(page);
  await page.goto("/login");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
}

async function register(page: Page, name: string): Promise<string> {
  return registerPatient(page, name);
}

test("after 30 idle minutes a warning comes a minute before sign-out; staying resets it, ignoring it signs out", async ({
  page,
}) => {
  await page.clock.install();
  await register(page, "Idle Ivy");
  await page.clock.fastForward("29:05");
  const warning = page.getByRole("dialog", { name: "Are you still there?" });
  await expect(warning).toBeVisible();
  await expect(warning).toContainText(/signed out in \d+ seconds/);
  await expectAccessible(page);
  await warning.getByRole("button", { name: "Stay signed in" }).click();
  await expect(warning).toBeHidden();

  // Still signed in, and the 30 minutes start again from here.
  await page.clock.fastForward("28:00");
  await expect(warning).toBeHidden();
  await page.clock.fastForward("01:10");
  await expect(warning).toBeVisible();
  await page.clock.fastForward("01:00");
  await expect(page).toHaveURL(/\/login\?idle=1$/);
  await expect(page.getByRole("status")).toContainText("signed out because nothing happened for a while");
  // The session is really gone, not just the page.
  await page.goto("/patient");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fpatient$/);
});

test("five wrong passwords from one address stop that address signing in to the account for a while", async ({
  page,
}) => {
  const email = await register(page, "Locked Leo");
  await signedOutOnLoginPage(page);
  for (let i = 0; i < 5; i++) await attempt(page, email, `wrong-password-${i}`, "Email or password is incorrect.");
  await attempt(page, email, PASSWORD, /Too many sign-in attempts\. Try again in \d+ minutes?\./);
  await expect(page).toHaveURL(/\/login/);
  await expectAccessible(page);
});

test("a correct sign-in forgets earlier failures", async ({ page }) => {
  const email = await register(page, "Forgetful Fay");
  await signedOutOnLoginPage(page);
  for (let i = 0; i < 4; i++) await attempt(page, email, `wrong-password-${i}`, "Email or password is incorrect.");
  await signIn(page, email, PASSWORD, /\/patient$/);
  await signedOutOnLoginPage(page);
  // Four more failures would have been nine in a row: the success wiped the count.
  for (let i = 0; i < 4; i++) await attempt(page, email, `wrong-again-${i}`, "Email or password is incorrect.");
  await signIn(page, email, PASSWORD, /\/patient$/);
});
