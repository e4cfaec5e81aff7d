import { expect, type Page } from "@playwright/test";
import { expectAccessible } from "./a11y";

export const DEMO_PASSWORD = "carebridge-demo";
export const DEMO = {
  admin: { email: "admin@carebridge.test", name: "Alex Morgan" },
  doctor: { email: "emily.davis@carebridge.test", name: "Emily Davis" },
  patient: { email: "carol.anderson@carebridge.test", name: "Carol Anderson" },
} as const;

export async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signs in from /login and waits for the home page of that account. */
export async function signIn(
  page: Page,
  email: string,
  password = DEMO_PASSWORD,
  home?: string | RegExp,
): Promise<void> {
  await page.goto("/login");
  await expectAccessible(page);
  await fillSignIn(page, email, password);
  if (home) await expect(page).toHaveURL(home);
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@example.com`;
}
