import { test as base } from "@playwright/test";

export { expect } from "@playwright/test";

/**
 * Playwright's `test`, closing after each test every browser context the test opened itself
 * (`browser.newContext()`: the second person of a journey, a second device). Playwright closes
 * only its own `context`; left open, the others kept their pages polling and streaming until the
 * worker ended, and by the end of a run dozens of live pages slowed every later test.
 */
export const test = base.extend<{ closeOpenedContexts: void }>({
  closeOpenedContexts: [
    async ({ browser }, use) => {
      const before = new Set(browser.contexts());
      await use();
      for (const context of browser.contexts()) {
        if (!before.has(context)) await context.close().catch(() => {});
      }
    },
    { auto: true },
  ],
});
