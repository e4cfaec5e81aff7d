import fs from "node:fs";
import path from "node:path";
import { expect } from "@playwright/test";
import { simpleParser, type ParsedMail } from "mailparser";
import { E2E_DATA_DIR } from "../../playwright.config";

/** The e2e server has no SMTP server: its emails are .eml files in its data folder's outbox. */
const OUTBOX = path.join(E2E_DATA_DIR, "outbox");

async function emailsTo(address: string): Promise<ParsedMail[]> {
  if (!fs.existsSync(OUTBOX)) return [];
  const all = await Promise.all(
    fs
      .readdirSync(OUTBOX)
      .filter((f) => f.endsWith(".eml"))
      .map((f) => simpleParser(fs.readFileSync(path.join(OUTBOX, f)))),
  );
  return all.filter((m) => (m.to && "text" in m.to ? m.to.text : "").toLowerCase() === address.toLowerCase());
}

/** Waits for an email to this address whose subject matches, and answers it. */
export async function waitForEmail(address: string, subject: RegExp): Promise<ParsedMail> {
  let found: ParsedMail | undefined;
  await expect
    .poll(
      async () => {
        found = (await emailsTo(address)).find((m) => subject.test(m.subject ?? ""));
        return Boolean(found);
      },
      { timeout: 30_000, message: `an email "${subject}" to ${address}` },
    )
    .toBe(true);
  return found!;
}

/** The first link to this app's path in an email's text. */
export function linkIn(email: ParsedMail, pathname: string): string {
  const match = new RegExp(`https?://[^\\s]+${pathname.replace(/[/?]/g, "\\$&")}[^\\s]*`).exec(email.text ?? "");
  expect(match, `a link to ${pathname}`).not.toBeNull();
  const url = new URL(match![0]);
  return url.pathname + url.search;
}
