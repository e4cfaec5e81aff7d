import { expect, test } from "./support/test";
import { expectAccessible } from "./support/a11y";
import { acceptedPair, signedIn } from "./support/people";

const EMILY = { name: "Emily Davis", specialty: "Cardiology", email: "emily.davis@carebridge.test" };
// Counters and recent messages refresh every 30 s.
const REFRESH = { timeout: 45_000 };

test("a message from the doctor reaches the patient's dashboard without a reload, and reading it clears the counts", async ({
  browser,
}) => {
  const patientName = `Dashboard Patient ${Math.random().toString(36).slice(2, 7)}`;
  const { patient, doctor } = await acceptedPair(browser, EMILY, patientName, { day: 5, slot: 1 });
  await patient.setViewportSize({ width: 360, height: 780 });
  await patient.goto("/patient");
  await expectAccessible(patient);
  const total = patient.getByTestId("unread-total");
  const recent = patient.getByRole("region", { name: "Recent messages" });
  const navMessages = patient.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Messages/ });
  await expect(total).toHaveText("0");
  await expect(recent).toContainText("No messages yet");
  // A phone-sized screen shows the page without sideways scrolling.
  expect(await patient.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

  await doctor.getByLabel("Message", { exact: true }).fill("Your results are ready.");
  await doctor.getByRole("button", { name: "Send" }).click();

  const item = recent.getByRole("link", { name: /Dr Emily Davis.*Your results are ready\./ });
  await expect(item).toBeVisible(REFRESH);
  await expect(item).toContainText("Unread");
  await expect(total).toHaveText("1", REFRESH);
  await expect(navMessages).toContainText("1 unread");
  await expect(patient).toHaveTitle(/^\(1\) /);
  await expectAccessible(patient);

  await item.click();
  await expect(patient.getByRole("log", { name: "Messages" }).getByText("Your results are ready.")).toBeVisible();
  // Read at once on this client: the badge drops without waiting for the next refresh.
  await expect(navMessages).not.toContainText("unread", { timeout: 5_000 });
  await expect(patient).not.toHaveTitle(/^\(\d+\) /);
  await navMessages.page().getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
  await expect(patient).toHaveURL(/\/patient$/);
  await expect(total).toHaveText("0", { timeout: 5_000 });
  await expect(recent.getByRole("link", { name: /Your results are ready\./ })).not.toContainText("Unread");
});

test("the doctor's dashboard lists pending requests with Accept and Decline, and today's and upcoming appointments", async ({
  browser,
}) => {
  const doctor = await signedIn(browser, "emily.davis@carebridge.test", /\/doctor$/);
  await expectAccessible(doctor);
  const pending = doctor.getByRole("region", { name: /Pending requests/ });
  await expect(pending.getByRole("button", { name: /^Accept/ }).first()).toBeVisible();
  await expect(pending.getByRole("button", { name: /^Decline/ }).first()).toBeVisible();
  await expect(doctor.getByRole("region", { name: "Upcoming" })).toContainText(/Carol Anderson|David Brown/);
  await expect(doctor.getByRole("region", { name: "Recent messages" })).toContainText("Unread");
  await doctor.setViewportSize({ width: 360, height: 780 });
  expect(await doctor.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
});
