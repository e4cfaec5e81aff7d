import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { expectAccessible, expectRulesPass } from "./support/a11y";
import { acceptedPair, newPatient, requestAppointment, signedIn } from "./support/people";
import { settledToast } from "./support/toast";

const suffix = () => Math.random().toString(36).slice(2, 7);
const SARAH = { name: "Sarah Patel", specialty: "General Practice", email: "sarah.patel@carebridge.test" };
const JAMES = { name: "James Okafor", specialty: "Paediatrics", email: "james.okafor@carebridge.test" };
const PHONE = { width: 360, height: 760 };
/** The two rules a new user's review found failing on the dashboards. */
const REVIEWED_RULES = ["label-content-name-mismatch", "color-contrast"];

async function top(locator: Locator): Promise<number> {
  const box = await locator.boundingBox();
  expect(box, "element is laid out").not.toBeNull();
  return box!.y;
}

async function noSidewaysScroll(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, "no sideways scroll").toBeLessThanOrEqual(clientWidth);
}

function overlaps(a: { x: number; y: number; width: number; height: number }, b: typeof a): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

test("the doctor's dashboard: a toast in readable colours that leaves the navigation free, and on a phone what changed first", async ({
  browser,
}) => {
  const patient = await newPatient(browser, `Toast Patient ${suffix()}`);
  await requestAppointment(patient, SARAH, "Toast check.", { day: 3, slot: 2 });
  const doctor = await signedIn(browser, SARAH.email, /\/doctor$/);
  const pending = doctor.getByRole("region", { name: /Pending requests/ });
  await pending
    .getByRole("listitem")
    .filter({ hasText: "Toast check." })
    .getByRole("button", { name: /^Accept/ })
    .click();
  const toast = await settledToast(doctor, "Accepted.");
  await expectRulesPass(doctor, REVIEWED_RULES);
  await expectAccessible(doctor);
  const nav = await doctor.getByRole("navigation", { name: "Main" }).boundingBox();
  expect(overlaps((await toast.boundingBox())!, nav!), "the toast covers the navigation").toBe(false);

  await doctor.setViewportSize(PHONE);
  await doctor.reload();
  await expectRulesPass(doctor, REVIEWED_RULES);
  await expectAccessible(doctor);
  await noSidewaysScroll(doctor);
  const unread = doctor.getByRole("link", { name: /^Unread messages \d+$/ });
  await expect(unread).toBeVisible();
  const recent = doctor.getByRole("region", { name: "Recent messages" });
  expect(await top(unread)).toBeLessThan(await top(recent));
  expect(await top(recent)).toBeLessThan(await top(doctor.getByRole("region", { name: /Pending requests/ })));
  expect(await top(doctor.getByRole("region", { name: /Pending requests/ }))).toBeLessThan(
    await top(doctor.getByRole("region", { name: "Upcoming" })),
  );
  // The navigation is one bar of five at the bottom of the screen, not two rows at the top.
  const bar = (await doctor.getByRole("navigation", { name: "Main" }).boundingBox())!;
  expect(bar.height).toBeLessThanOrEqual(72);
  expect(bar.y + bar.height).toBeCloseTo(PHONE.height, 0);
  await expect(doctor.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveCount(5);
});

test("the patient's dashboard on a phone: unread and recent messages, then requests waiting, then appointments; a cancel toast passes the same checks", async ({
  browser,
}) => {
  const patient = await newPatient(browser, `Phone Patient ${suffix()}`);
  await requestAppointment(patient, JAMES, "Phone layout check.", { day: 4, slot: 1 });
  await patient.setViewportSize(PHONE);
  await patient.goto("/patient");
  await expectAccessible(patient);
  await noSidewaysScroll(patient);
  const unread = patient.getByRole("link", { name: /^Unread messages \d+$/ });
  const recent = patient.getByRole("region", { name: "Recent messages" });
  const waiting = patient.getByRole("region", { name: "Waiting for a doctor" });
  const next = patient.getByRole("region", { name: "Next appointments" });
  expect(await top(unread)).toBeLessThan(await top(recent));
  expect(await top(recent)).toBeLessThan(await top(waiting));
  expect(await top(waiting)).toBeLessThan(await top(next));

  // Cancelling looks destructive, asks first, and its toast is readable.
  const cancel = waiting.getByRole("button", { name: /^Cancel appointment/ });
  const [red, green, blue] = await cancel.evaluate((el) => {
    // The colour as pixels, whatever notation the stylesheet used (Tailwind 4 writes oklch).
    const canvas = document.createElement("canvas").getContext("2d")!;
    canvas.fillStyle = getComputedStyle(el).color;
    canvas.fillRect(0, 0, 1, 1);
    return [...canvas.getImageData(0, 0, 1, 1).data];
  });
  expect(red! - Math.max(green!, blue!), "the cancel button's text is red").toBeGreaterThan(60);
  await cancel.click();
  const dialog = patient.getByRole("dialog", { name: "Cancel this appointment?" });
  await expect(dialog).toBeVisible();
  await expectAccessible(patient);
  await dialog.getByRole("button", { name: "Yes, cancel it" }).click();
  await settledToast(patient, "Appointment cancelled.");
  await expectRulesPass(patient, REVIEWED_RULES);
  await expectAccessible(patient);
});

test("a thread on a phone: the composer and its hint stay on screen, only the messages scroll, the subtitle never dangles", async ({
  browser,
}) => {
  const { patient } = await acceptedPair(browser, SARAH, `Thread Phone ${suffix()}`, { day: 6, slot: 3 });
  await patient.setViewportSize(PHONE);
  await patient.reload();
  await expectAccessible(patient);
  await noSidewaysScroll(patient);
  for (const part of [
    patient.getByLabel("Message", { exact: true }),
    patient.getByRole("button", { name: "Send" }),
    patient.getByText("Enter to send, Shift+Enter for a new line."),
    patient.getByRole("heading", { name: "Dr Sarah Patel" }),
  ]) {
    const box = (await part.boundingBox())!;
    expect(box.y, "starts on screen").toBeGreaterThanOrEqual(0);
    expect(box.y + box.height, "ends on screen").toBeLessThanOrEqual(PHONE.height);
  }
  // The page itself does not scroll: only the list of messages does.
  const { scrollHeight, innerHeight } = await patient.evaluate(() => ({
    scrollHeight: document.documentElement.scrollHeight,
    innerHeight: window.innerHeight,
  }));
  expect(scrollHeight).toBeLessThanOrEqual(innerHeight);
  const subtitle = await patient
    .getByRole("heading", { name: "Dr Sarah Patel" })
    .locator("xpath=following-sibling::p")
    .innerText();
  expect(subtitle).toMatch(/^General Practice · Appointment /);
  expect(subtitle).not.toMatch(/·\s*$/m);
});
