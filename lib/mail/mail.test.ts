import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startSmtpServer } from "@/test/smtp";
import { appointmentCalendarFile } from "./calendar";
import { templates } from "./templates";
import { mailTransport } from "./transport";
import { readUnsubscribeToken, unsubscribeToken } from "./unsubscribe";

const links = {
  settingsUrl: "http://localhost:3000/account/settings",
  unsubscribeUrl: "http://localhost:3000/unsubscribe?token=abc",
  unsubscribeWhat: "message emails",
};

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "carebridge-mail-"));

beforeAll(async () => {
  smtp = await startSmtpServer();
  vi.stubEnv("CAREBRIDGE_DATA_DIR", dataDir);
  vi.stubEnv("AUTH_SECRET", "m".repeat(40));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await smtp.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("emails through a real SMTP server", () => {
  it("a new-message email: the sender's name and a link, never the message, with one-click unsubscribe headers", async () => {
    vi.stubEnv("SMTP_URL", smtp.url);
    const email = templates.newMessage({
      recipientName: "Carol <Anderson>",
      senderName: "Dr Emily Davis",
      threadUrl: "http://localhost:3000/chat/1",
      links,
    });
    await mailTransport().send({
      to: "carol@example.test",
      messageId: "<job-1@carebridge>",
      unsubscribeUrl: "http://localhost:3000/api/unsubscribe?token=abc",
      ...email,
    });
    const [got] = await smtp.waitFor(1);
    expect(got!.envelopeTo).toEqual(["carol@example.test"]);
    expect(got!.parsed.subject).toBe("New secure message from Dr Emily Davis");
    expect(got!.parsed.messageId).toBe("<job-1@carebridge>");
    expect(got!.parsed.text).toContain("You have a new secure message from Dr Emily Davis in Carebridge.");
    expect(got!.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(got!.raw).toMatch(/^List-Unsubscribe: <http:\/\/localhost:3000\/api\/unsubscribe\?token=abc>$/m);
    const html = String(got!.parsed.html);
    // Names are escaped, nothing is loaded from elsewhere, and dark mode is styled.
    expect(html).toContain("Carol &lt;Anderson&gt;");
    expect(html).not.toMatch(/<img|<script|src=/i);
    expect(html).toContain("prefers-color-scheme: dark");
    expect(html).toContain('href="http://localhost:3000/chat/1"');
  });

  it("an accepted appointment carries its calendar file, which names the doctor and time but not the reason", async () => {
    vi.stubEnv("SMTP_URL", smtp.url);
    const before = smtp.received.length;
    const ics = appointmentCalendarFile({
      appointmentId: "7d1f3c8e-2b4a-4f6d-8c9e-1a2b3c4d5e6f",
      startsAt: new Date("2026-12-03T10:00:00Z"),
      minutes: 30,
      title: "Appointment with Dr Emily Davis",
      url: "http://localhost:3000/patient/appointments",
      sequence: 1,
    });
    const email = templates.appointmentAccepted({
      recipientName: "Carol Anderson",
      doctorName: "Dr Emily Davis",
      when: "Thu 3 Dec 2026, 10:00 UTC",
      chatUrl: "http://localhost:3000/chat/1",
      links,
    });
    await mailTransport().send({
      to: "carol@example.test",
      messageId: "<job-2@carebridge>",
      ...email,
      attachments: [
        { filename: "appointment.ics", content: ics, contentType: "text/calendar; charset=utf-8; method=PUBLISH" },
      ],
    });
    const got = (await smtp.waitFor(before + 1))[before]!;
    const file = got.parsed.attachments.find((a) => a.filename === "appointment.ics");
    expect(file?.contentType).toBe("text/calendar");
    const text = file!.content.toString("utf8");
    expect(text).toContain("DTSTART:20261203T100000Z");
    expect(text).toContain("SUMMARY:Appointment with Dr Emily Davis");
    expect(text).toContain("UID:7d1f3c8e-2b4a-4f6d-8c9e-1a2b3c4d5e6f@carebridge");
  });

  it("without SMTP_URL, an email becomes an .eml file in the outbox that any mail program opens", async () => {
    vi.stubEnv("SMTP_URL", "");
    const email = templates.passwordReset({
      recipientName: "Dave",
      url: "http://localhost:3000/reset?t=x",
      minutes: 30,
    });
    const transport = mailTransport();
    expect(transport.kind).toBe("outbox");
    await transport.send({ to: "dave@example.test", messageId: "<job-3@carebridge>", ...email });
    const dir = path.join(dataDir, "outbox");
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".eml"));
    expect(files).toHaveLength(1);
    const parsed = await simpleParser(fs.readFileSync(path.join(dir, files[0]!)));
    expect(parsed.subject).toBe("Reset your Carebridge password");
    expect(parsed.to && "text" in parsed.to ? parsed.to.text : "").toBe("dave@example.test");
    expect(parsed.text).toContain("http://localhost:3000/reset?t=x");
  });
});

describe("unsubscribe tokens", () => {
  const id = "0b6c5a2e-8a51-4c36-9a8e-3d7f1b2c4e5f";
  it("round-trips the account and the one category", () => {
    expect(readUnsubscribeToken(unsubscribeToken(id, "messages"))).toEqual({ userId: id, category: "messages" });
    expect(readUnsubscribeToken(unsubscribeToken(id, "appointments"))).toEqual({
      userId: id,
      category: "appointments",
    });
  });
  it("refuses a token made for another account or category, or mangled", () => {
    const token = unsubscribeToken(id, "messages");
    const other = "1b6c5a2e-8a51-4c36-9a8e-3d7f1b2c4e5f";
    expect(readUnsubscribeToken(token.replace(id, other))).toBeNull();
    expect(readUnsubscribeToken(token.replace(".messages.", ".appointments."))).toBeNull();
    expect(readUnsubscribeToken(`${token}x`)).toBeNull();
    expect(readUnsubscribeToken("")).toBeNull();
    expect(readUnsubscribeToken("../../etc/passwd")).toBeNull();
  });
});
