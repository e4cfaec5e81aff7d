import type { Page } from "@playwright/test";
import { expect, test } from "./support/test";
import sharp from "sharp";
import { expectAccessible } from "./support/a11y";
import { acceptedPair } from "./support/people";

const suffix = () => Math.random().toString(36).slice(2, 7);
const SARAH = { name: "Sarah Patel", specialty: "General Practice", email: "sarah.patel@carebridge.test" };
const EMILY = { name: "Emily Davis", specialty: "Cardiology", email: "emily.davis@carebridge.test" };
const PHONE = { width: 360, height: 760 };
// Live delivery is pushed; polling (every 10 s) is the fallback: allow for one missed tick.
const LIVE = { timeout: 25_000 };

const thread = (page: Page) => page.getByRole("log", { name: "Messages" });
const previews = (page: Page) => page.getByRole("list", { name: "Files to send" });
const attachInput = (page: Page) => page.getByTestId("attach-input");

/** A phone photo as a camera writes it: landscape pixels, turned by its tag, with a GPS position. */
function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 240, channels: 3, background: "#d9826b" } })
    .jpeg({ quality: 85 })
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: "Apple", Model: "iPhone 15" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "0/1 7/1 0/1" },
    })
    .toBuffer();
}

const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
);

/** Holds every upload until `release` is called, so the test can see a file while it is uploading. */
async function holdUploads(page: Page): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/api\/rooms\/[^/]+\/attachments\?/, async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

test("a patient sends a photo: preview and progress, then the doctor sees it live, opens it full size and closes it with Escape", async ({
  browser,
}) => {
  // Two people signed up and an appointment accepted before the photo: slow on a busy machine.
  test.setTimeout(240_000);
  const patientName = `Photo Patient ${suffix()}`;
  const { patient, doctor } = await acceptedPair(browser, SARAH, patientName, { day: 5, slot: 1 });

  // Chosen with the attach button's file input; held in flight so its progress can be seen.
  const release = await holdUploads(patient);
  await attachInput(patient).setInputFiles({ name: "ankle.jpg", mimeType: "image/jpeg", buffer: await phonePhoto() });
  const item = previews(patient).getByRole("listitem").filter({ hasText: "ankle.jpg" });
  await expect(item.getByRole("progressbar", { name: "Uploading ankle.jpg" })).toBeVisible();
  await expect(item.locator("img")).toHaveJSProperty("complete", true);
  await expect(item.getByRole("button", { name: "Remove ankle.jpg" })).toBeVisible();
  await expect(patient.getByRole("button", { name: "Send" })).toBeDisabled();
  await expect(patient.getByText("Waiting for the files to upload…")).toBeVisible();
  await expectAccessible(patient);
  release();
  await expect(item).toContainText("Ready to send");
  await expect(item.getByRole("progressbar")).toHaveCount(0);

  // A message of a file alone.
  await patient.getByRole("button", { name: "Send" }).click();
  await expect(previews(patient)).toHaveCount(0);
  const myPhoto = thread(patient).getByRole("img", { name: /^Photo from you, / });
  await expect(myPhoto).toBeVisible();
  // The message's own list item (the first of the two around the photo: the message, then its file list).
  const myMessage = thread(patient)
    .getByRole("listitem")
    .filter({ has: patient.getByRole("img", { name: /^Photo from you, / }) })
    .first();
  await expect(myMessage).toContainText(/Sent|Read/);

  // The doctor sees the thumbnail without reloading: lazy, sized, loaded, named for who and when.
  const photo = thread(doctor).getByRole("img", {
    name: new RegExp(`^Photo from ${patientName}, \\d{1,2} \\w+,? \\d{2}:\\d{2}$`),
  });
  await expect(photo).toBeVisible(LIVE);
  await expect(photo).toHaveAttribute("loading", "lazy");
  // Turned upright by its orientation tag: the thumbnail is taller than wide.
  const width = Number(await photo.getAttribute("width"));
  const height = Number(await photo.getAttribute("height"));
  expect(height).toBeGreaterThan(width);
  await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(width);
  const alt = (await photo.getAttribute("alt"))!;
  await expectAccessible(doctor);

  // Full size in a dialog: focus moves in, Escape closes it and gives focus back to the thumbnail.
  const opener = thread(doctor).getByRole("button", { name: `Open ${alt} full size` });
  await opener.click();
  const dialog = doctor.getByRole("dialog", { name: alt });
  await expect(dialog).toBeVisible();
  const full = dialog.getByRole("img", { name: alt });
  await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(240);
  expect(await full.evaluate((img: HTMLImageElement) => img.naturalHeight)).toBe(320);
  await expect(dialog.getByRole("link", { name: "Download ankle.jpg" })).toBeVisible();
  const fullSrc = (await full.getAttribute("src"))!;
  expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
  // Focus is trapped: tabbing round never leaves the dialog.
  for (let i = 0; i < 4; i++) {
    await doctor.keyboard.press("Tab");
    expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
  }
  await expectAccessible(doctor);
  await doctor.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(opener).toBeFocused();

  // What the doctor's browser fetched: the photo with no GPS or camera left, served privately.
  const answer = await doctor.request.get(fullSrc);
  expect(answer.status()).toBe(200);
  expect(answer.headers()["content-type"]).toBe("image/jpeg");
  expect(answer.headers()["x-content-type-options"]).toBe("nosniff");
  expect(answer.headers()["cache-control"]).toContain("no-store");
  const meta = await sharp(await answer.body()).metadata();
  expect(meta.exif).toBeUndefined();
  expect([meta.width, meta.height]).toEqual([240, 320]);

  // On a phone: the thread and the dialog fit and stay accessible; the Close button closes it.
  await doctor.setViewportSize(PHONE);
  await doctor.reload();
  await expect(photo).toBeVisible();
  await expectAccessible(doctor);
  await opener.click();
  await expect(dialog).toBeVisible();
  await expectAccessible(doctor);
  const box = await dialog.boundingBox();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toHaveCount(0);

  // The conversation list says what a message of a photo alone is.
  await doctor.goto("/chat");
  await expect(doctor.getByRole("link", { name: new RegExp(patientName) })).toContainText("Photo");
  await expectAccessible(doctor);
});

test("a doctor sends a PDF, shown as a card that downloads; a file that only claims to be a photo is refused with the reason", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const patientName = `Document Patient ${suffix()}`;
  const { patient, doctor } = await acceptedPair(browser, EMILY, patientName, { day: 6, slot: 2 });

  // An HTML page named .png: the browser believes the name, the server reads the bytes.
  await attachInput(doctor).setInputFiles({
    name: "scan.png",
    mimeType: "image/png",
    buffer: Buffer.from("<!doctype html><script>alert(1)</script>"),
  });
  const refused = previews(doctor).getByRole("listitem").filter({ hasText: "scan.png" });
  await expect(refused.getByRole("alert")).toHaveText(
    "This type of file is not allowed. You can send photos (JPEG, PNG, WebP, GIF, HEIC), PDF and plain text.",
  );
  await expect(doctor.getByRole("button", { name: "Send" })).toBeDisabled();
  await expectAccessible(doctor);
  await refused.getByRole("button", { name: "Remove scan.png" }).click();
  await expect(previews(doctor)).toHaveCount(0);

  await attachInput(doctor).setInputFiles({ name: "instructions.pdf", mimeType: "application/pdf", buffer: PDF });
  const ready = previews(doctor).getByRole("listitem").filter({ hasText: "instructions.pdf" });
  await expect(ready).toContainText("Ready to send");
  await doctor.getByLabel("Message", { exact: true }).fill("Your instructions for the week.");
  await doctor.getByRole("button", { name: "Send" }).click();
  await expect(thread(doctor).getByRole("link", { name: /instructions\.pdf/ })).toBeVisible();

  // The patient sees the card live (type, name, size) and downloads the very bytes.
  const card = thread(patient).getByRole("link", { name: /instructions\.pdf/ });
  await expect(card).toBeVisible(LIVE);
  await expect(card).toContainText("PDF");
  await expect(card).toContainText(`${PDF.length} B`);
  await expect(thread(patient).getByText("Your instructions for the week.")).toBeVisible();
  await expectAccessible(patient);
  const [download] = await Promise.all([patient.waitForEvent("download"), card.click()]);
  expect(download.suggestedFilename()).toBe("instructions.pdf");
  const path = await download.path();
  const { readFile } = await import("node:fs/promises");
  expect(Buffer.compare(await readFile(path), PDF)).toBe(0);

  await patient.setViewportSize(PHONE);
  await patient.reload();
  await expect(card).toBeVisible();
  await expectAccessible(patient);
});
