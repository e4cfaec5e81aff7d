import fs from "node:fs";
import path from "node:path";
import { expect, test } from "./support/test";
import { E2E_DATA_DIR } from "../playwright.config";
import { expectAccessible } from "./support/a11y";
import { acceptedPair } from "./support/people";

const suffix = () => Math.random().toString(36).slice(2, 7);
const MICHAEL = { name: "Michael Chen", specialty: "Dermatology", email: "michael.chen@carebridge.test" };

declare global {
  interface Window {
    __notifications?: string[];
    __background?: boolean;
  }
}

/**
 * Records each system notification's title (the real Notification still shows it), and lets the
 * test put the page "in the background": headless Chromium always reports a visible, focused tab.
 */
function recordNotifications() {
  const Real = window.Notification;
  window.__notifications = [];
  class Recording extends Real {
    constructor(title: string, options?: NotificationOptions) {
      window.__notifications!.push(title);
      super(title, options);
    }
  }
  Object.defineProperty(Recording, "permission", { get: () => Real.permission });
  Recording.requestPermission = Real.requestPermission.bind(Real);
  window.Notification = Recording as typeof Notification;
  Object.defineProperty(document, "visibilityState", { get: () => (window.__background ? "hidden" : "visible") });
  const hasFocus = document.hasFocus.bind(document);
  document.hasFocus = () => !window.__background && hasFocus();
}

test("a patient turns on browser notifications in settings and gets one, with the sender's name only, for a message while away", async ({
  browser,
}) => {
  const patientName = `Notified Patient ${suffix()}`;
  const { patient, doctor, roomPath } = await acceptedPair(browser, MICHAEL, patientName, { day: 3, slot: 5 });
  await patient.context().grantPermissions(["notifications"]);
  await patient.context().addInitScript(recordNotifications);

  await patient.getByRole("link", { name: "Notifications" }).click();
  await expect(patient.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible();
  await expectAccessible(patient);
  await patient.getByRole("button", { name: "Turn on browser notifications" }).click();
  await expect(patient.getByText(/^On: this browser shows a notification/)).toBeVisible();
  await expect(patient.getByRole("button", { name: "Turn off browser notifications" })).toBeVisible();
  await expectAccessible(patient);

  // Looking at the thread: no notification.
  await patient.goto(roomPath);
  await doctor.getByLabel("Message", { exact: true }).fill("Seen as it arrives.");
  await doctor.getByRole("button", { name: "Send" }).click();
  await expect(patient.getByRole("log", { name: "Messages" }).getByText("Seen as it arrives.")).toBeVisible();

  // The portal in a background tab: one notification naming the doctor, never the words.
  await patient.goto("/patient");
  await patient.evaluate(() => (window.__background = true));
  await doctor.getByLabel("Message", { exact: true }).fill("Your results are in.");
  await doctor.getByRole("button", { name: "Send" }).click();
  await expect
    .poll(() => patient.evaluate(() => window.__notifications), { timeout: 30_000 })
    .toEqual(["New message from Dr Michael Chen"]);
  expect(await patient.evaluate(() => window.__notifications!.join(" "))).not.toContain("results");
});

test("email settings are saved and kept; a new message reaches the embedded outbox as an .eml without its words", async ({
  browser,
}) => {
  const patientName = `Emailed Patient ${suffix()}`;
  const { patient, doctor } = await acceptedPair(browser, MICHAEL, patientName, { day: 4, slot: 6 });
  // Away from the thread (an open thread reads what arrives, and read messages are not emailed).
  await patient.goto("/account/settings");
  await doctor.getByLabel("Message", { exact: true }).fill("Private: the scan was clear.");
  await doctor.getByRole("button", { name: "Send" }).click();
  // The e2e server emails at once (NOTIFY_UNREAD_AFTER_MINUTES=0); with no SMTP_URL, into the outbox.
  const outbox = path.join(E2E_DATA_DIR, "outbox");
  const find = () =>
    fs.existsSync(outbox)
      ? fs
          .readdirSync(outbox)
          .filter((f) => f.endsWith(".eml"))
          .map((f) => fs.readFileSync(path.join(outbox, f), "utf8"))
          .filter((text) => text.includes(`Hello ${patientName},`) && text.includes("Subject: New secure message"))
      : [];
  await expect.poll(() => find().length, { timeout: 30_000 }).toBe(1);
  expect(find()[0]).toContain("Subject: New secure message from Dr Michael Chen");
  expect(find()[0]).not.toContain("scan was clear");

  await patient.setViewportSize({ width: 360, height: 760 });
  await patient.goto("/account/settings");
  await expectAccessible(patient);
  await patient.getByLabel("Once a day").check();
  await patient.getByLabel("Hour of the daily email").selectOption("7");
  await patient.getByLabel("No appointment emails").check();
  await patient.getByRole("button", { name: "Save email settings" }).click();
  await expect(patient.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expectAccessible(patient);
  await patient.reload();
  await expect(patient.getByLabel("Once a day")).toBeChecked();
  await expect(patient.getByLabel("Hour of the daily email")).toHaveValue("7");
  await expect(patient.getByLabel("No appointment emails")).toBeChecked();
  const width = await patient.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
});
