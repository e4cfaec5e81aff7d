import { expect, type Locator, type Page } from "@playwright/test";

/**
 * The toast with this text, once it has finished sliding in (colours are only final then), held
 * open under the pointer (sonner pauses its timer while hovered) so checks can take their time.
 */
export async function settledToast(page: Page, text: string): Promise<Locator> {
  const toast = page.locator("[data-sonner-toast]").filter({ hasText: text });
  await expect(toast).toBeVisible();
  await expect(toast).toHaveAttribute("data-mounted", "true");
  await toast.hover();
  await toast.evaluate((el) => Promise.all(el.getAnimations({ subtree: true }).map((a) => a.finished)));
  return toast;
}
