import type { Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { expectAccessible } from "./support/a11y";
import { acceptedPair, newPatient, signedIn } from "./support/people";

const suffix = () => Math.random().toString(36).slice(2, 7);
const MICHAEL = { name: "Michael Chen", specialty: "Dermatology", email: "michael.chen@carebridge.test" };
const JAMES = { name: "James Okafor", specialty: "Paediatrics", email: "james.okafor@carebridge.test" };
// Polling is every 10 s; allow for one missed tick.
const POLL = { timeout: 25_000 };

const thread = (page: Page) => page.getByRole("log", { name: "Messages" });
const box = (page: Page) => page.getByLabel("Message", { exact: true });

async function send(page: Page, text: string) {
  await box(page).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

test("a patient and a doctor exchange messages both ways without reloading, and read receipts follow", async ({
  browser,
}) => {
  const patientName = `Chatty Patient ${suffix()}`;
  const { patient, doctor } = await acceptedPair(browser, MICHAEL, patientName, { day: 2, slot: 3 });
  await expectAccessible(patient);
  await expect(patient.getByText("In an emergency, call your local emergency number.")).toBeVisible();
  await expect(patient.getByRole("button", { name: "Send" })).toBeDisabled();

  await send(patient, "Hello doctor,\nI have a question.");
  const mine = thread(patient).getByRole("listitem").filter({ hasText: "I have a question." });
  // Stored: "Sent", or already "Read" when the doctor's open thread read it before this looked.
  await expect(mine).toContainText(/Sent|Read/);
  // Line breaks are kept.
  await expect(mine.locator("p.whitespace-pre-wrap")).toHaveText("Hello doctor,\nI have a question.");

  // The doctor sees it without reloading; being open and visible, it becomes read.
  await expect(thread(doctor).getByText("I have a question.")).toBeVisible(POLL);
  await expect(mine).toContainText("Read", POLL);

  await box(doctor).fill("Of course.");
  // The live stream says the doctor is typing (never stored), and their message ends it.
  const typing = patient.getByRole("status").filter({ hasText: "Dr Michael Chen is typing…" });
  await expect(typing).toBeVisible();
  await box(doctor).press("Shift+Enter");
  await box(doctor).pressSequentially("What is it?");
  await box(doctor).press("Enter");
  await expect(box(doctor)).toHaveValue("");
  await expect(thread(patient).getByRole("listitem").filter({ hasText: "What is it?" })).toContainText(
    "Of course.\nWhat is it?",
    POLL,
  );
  await expect(typing).toHaveCount(0);
  await expectAccessible(doctor);
});

test("markup in a message is shown as text and runs nothing", async ({ browser }) => {
  const { patient, doctor } = await acceptedPair(browser, JAMES, `Markup Patient ${suffix()}`, { day: 2, slot: 5 });
  let dialogs = 0;
  for (const page of [patient, doctor]) page.on("dialog", (d) => ((dialogs += 1), void d.dismiss()));
  const payload = `<img src=x onerror=alert(1)> <script>alert(2)</script>`;
  await send(patient, payload);
  await expect(thread(patient).getByText(payload)).toBeVisible();
  await expect(thread(doctor).getByText(payload)).toBeVisible(POLL);
  await expect(doctor.locator("main img")).toHaveCount(0);
  expect(dialogs).toBe(0);
});

test("a send that fails stays with its text, and Retry delivers it exactly once", async ({ browser }) => {
  const { patient, doctor, roomPath } = await acceptedPair(browser, MICHAEL, `Offline Patient ${suffix()}`, {
    day: 3,
    slot: 4,
  });
  await patient.context().setOffline(true);
  await send(patient, "Sent while offline.");
  const item = thread(patient).getByRole("listitem").filter({ hasText: "Sent while offline." });
  await expect(item).toContainText("Not sent");
  await patient.context().setOffline(false);
  await item.getByRole("button", { name: "Retry" }).click();
  await expect(item).toContainText(/Sent|Read/);
  await expect(item.getByRole("button", { name: "Retry" })).toHaveCount(0);

  await doctor.goto(roomPath);
  await expect(thread(doctor).getByText("Sent while offline.")).toHaveCount(1);
  await patient.reload();
  await expect(thread(patient).getByText("Sent while offline.")).toHaveCount(1);
});

test("unread badges drop to zero after reading, also with the thread open in two tabs", async ({ browser }) => {
  const patientName = `Two Tabs ${suffix()}`;
  const { patient, doctor, roomPath } = await acceptedPair(browser, JAMES, patientName, { day: 3, slot: 6 });
  // The patient leaves the thread for the list; the doctor writes twice.
  await patient.goto("/chat");
  await send(doctor, "First note from the doctor.");
  await send(doctor, "Second note from the doctor.");
  await expect(thread(doctor).getByRole("listitem").filter({ hasText: "Second note" })).toContainText("Sent");

  await patient.reload();
  const row = patient
    .getByRole("link", { name: /Dr James Okafor/ })
    .filter({ hasText: "Second note from the doctor." });
  await expect(row).toContainText("2 unread");
  await expect(patient.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Messages/ })).toContainText(
    "2 unread",
  );
  await expect(patient).toHaveTitle(/^\(\d+\) /);
  await expectAccessible(patient);

  const tabA = await patient.context().newPage();
  const tabB = await patient.context().newPage();
  await tabA.goto(roomPath);
  await tabB.goto(roomPath);
  await expect(thread(tabA).getByText("Second note from the doctor.")).toBeVisible();
  await expect(thread(tabB).getByText("Second note from the doctor.")).toBeVisible();
  // The doctor writes again while both tabs are open: both show it; it is read.
  await send(doctor, "Third note.");
  await expect(thread(tabA).getByText("Third note.")).toBeVisible(POLL);
  await expect(thread(tabB).getByText("Third note.")).toBeVisible(POLL);
  await expect(thread(doctor).getByRole("listitem").filter({ hasText: "Third note." })).toContainText("Read", POLL);

  await patient.reload();
  const conversation = patient.getByRole("link", { name: /Dr James Okafor/ });
  await expect(conversation).toContainText("Third note.");
  await expect(conversation).not.toContainText("unread");
  await expect(
    patient.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Messages/ }),
  ).not.toContainText("unread");
});

test("only the room's two members may open it; admins and other patients get not-found", async ({ browser }) => {
  const { roomPath } = await acceptedPair(browser, MICHAEL, `Private Patient ${suffix()}`, { day: 4, slot: 2 });
  const stranger = await newPatient(browser, `Stranger ${suffix()}`);
  expect((await stranger.goto(roomPath))?.status()).toBe(404);
  await expect(stranger.getByText("Consultation for")).toHaveCount(0);
  expect((await stranger.request.get(`/api/rooms/${roomPath.split("/").pop()}/messages?after=0`)).status()).toBe(404);
  expect((await stranger.goto("/chat/00000000-0000-4000-8000-000000000000"))?.status()).toBe(404);
  expect((await stranger.goto("/chat/not-a-room"))?.status()).toBe(404);
  await expect(stranger.getByRole("heading", { name: "Not found" })).toBeVisible();
  await expectAccessible(stranger);

  const admin = await signedIn(browser, "admin@carebridge.test", /\/admin$/);
  expect((await admin.goto(roomPath))?.status()).toBe(404);
  expect((await admin.goto("/chat"))?.status()).toBe(404);
});
