import type { Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { expectAccessible } from "./support/a11y";
import { acceptedPair, newPatient } from "./support/people";

const EMILY = { name: "Emily Davis", specialty: "Cardiology", email: "emily.davis@carebridge.test" };
const suffix = () => Math.random().toString(36).slice(2, 7);
// While the live stream is up, polls are minutes apart: only a push arrives this fast.
const PUSHED = { timeout: 2_000 };

const thread = (page: Page) => page.getByRole("log", { name: "Messages" });
const isLive = (page: Page) => expect(page.locator("html")).toHaveAttribute("data-live", "true", { timeout: 15_000 });

async function send(page: Page, text: string) {
  await page.getByLabel("Message", { exact: true }).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

test("a message, the unread badge and the read receipt arrive within 2 seconds through the live stream", async ({
  browser,
}) => {
  const patientName = `Live Patient ${suffix()}`;
  const { patient, doctor, roomPath } = await acceptedPair(browser, EMILY, patientName, { day: 7, slot: 6 });
  await patient.goto("/patient");
  await isLive(patient);
  await isLive(doctor);

  await send(doctor, "Your results are in.");
  const navMessages = patient.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Messages/ });
  await expect(navMessages).toContainText("1 unread", PUSHED);
  await expect(patient.getByTestId("unread-total")).toHaveText("1", PUSHED);
  await expectAccessible(patient);

  await patient.goto(roomPath);
  await isLive(patient);
  await send(doctor, "Please book a follow-up.");
  await expect(thread(patient).getByText("Please book a follow-up.")).toBeVisible(PUSHED);
  // The patient's screen reads it; the doctor's receipt turns to Read without a poll.
  await expect(thread(doctor).getByRole("listitem").filter({ hasText: "Please book a follow-up." })).toContainText(
    "Read",
    PUSHED,
  );
  await expect(navMessages).not.toContainText("unread", PUSHED);

  await send(patient, "Thank you, I will.");
  await expect(thread(doctor).getByText("Thank you, I will.")).toBeVisible(PUSHED);
  await expectAccessible(doctor);
});

test("signing out in one tab ends the live updates of the account's other tabs", async ({ browser }) => {
  const first = await newPatient(browser, `Two Tabs ${suffix()}`);
  const second = await first.context().newPage();
  await second.goto("/patient/appointments");
  await isLive(first);
  await isLive(second);
  await first.getByRole("button", { name: "Sign out" }).click();
  await expect(first).toHaveURL(/\/login$/);
  // The other tab's stream ends, it finds no session, and says so.
  await expect(second).toHaveURL(/\/login\?ended=1$/, { timeout: 15_000 });
  await expect(second.getByText(/session (has )?ended/i)).toBeVisible();
  await expectAccessible(second);
});
