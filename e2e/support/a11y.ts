import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** Fails on any serious or critical axe-core violation on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  await page.waitForLoadState("domcontentloaded");
  // After a client-side navigation (a server action's redirect) Next streams the new page's
  // metadata in: wait for its title rather than judge the page between the two.
  await expect(page).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious, `accessibility violations on ${page.url()}`).toEqual([]);
}

/** Goes to a path and checks the page that loads. */
export async function visit(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expectAccessible(page);
}

/**
 * Runs exactly these axe rules (experimental ones such as label-content-name-mismatch included,
 * which the default run skips) and fails on any violation of them, whatever its impact.
 */
export async function expectRulesPass(page: Page, rules: string[]): Promise<void> {
  const results = await new AxeBuilder({ page }).withRules(rules).analyze();
  const found = results.violations.map(
    (v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => `${n.target.join(" ")} (${n.failureSummary ?? ""})`).join("; ")}`,
  );
  expect(found, `axe rules ${rules.join(", ")} on ${page.url()}`).toEqual([]);
  // A rule that did not run at all proves nothing.
  const ran = new Set(
    [...results.passes, ...results.violations, ...results.incomplete, ...results.inapplicable].map((r) => r.id),
  );
  for (const rule of rules) expect(ran.has(rule), `axe rule ${rule} ran`).toBe(true);
}
