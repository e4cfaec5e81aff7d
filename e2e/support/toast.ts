import { expect, type Locator, type Page } from "@playwright/test";

/** The toast with this text, once it has finished sliding in (colours are only final then). */
export async function settledToast(page: Page, text: string): Promise<Locator> {
  const toast = page.locator("[data-sonner-toast]").filter({ hasText: text });
  await expect(toast).toBeVisible();
  await expect(toast).toHaveAttribute("data-mounted", "true");
  await toast.evaluate((el) => Promise.all(el.getAnimations({ subtree: true }).map((a) => a.finished)));
  return toast;
}
