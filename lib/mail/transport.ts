import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import { dataDir, readEnv } from "@/lib/env";

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per job: a retried send carries the same id, so a mail system can tell it is the same email. */
  messageId: string;
  /** RFC 8058 one-click unsubscribe (the URL answers a POST without signing in). */
  unsubscribeUrl?: string;
  attachments?: { filename: string; content: string; contentType: string }[];
}

export interface MailTransport {
  kind: "smtp" | "outbox";
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

declare global {
  var __carebridgeMail: { key: string; transport: MailTransport } | undefined;
}

/**
 * The transport this process sends through: the SMTP server in SMTP_URL, or, with none set (the
 * embedded default), `.eml` files in the data folder's outbox/ (open them with any mail program).
 * Nothing is silently dropped. One per process and configuration, like the database handle.
 */
export function mailTransport(): MailTransport {
  const env = readEnv();
  const key = env.SMTP_URL ? `smtp:${env.SMTP_URL}` : `outbox:${outboxDir()}`;
  if (globalThis.__carebridgeMail?.key !== key) {
    globalThis.__carebridgeMail?.transport.close();
    globalThis.__carebridgeMail = {
      key,
      transport: env.SMTP_URL ? smtpTransport(env.SMTP_URL) : outboxTransport(outboxDir()),
    };
  }
  return globalThis.__carebridgeMail.transport;
}

export function outboxDir(): string {
  return path.join(dataDir(), "outbox");
}

function message(email: OutgoingEmail) {
  const from = readEnv().MAIL_FROM;
  return {
    from,
    to: email.to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    messageId: email.messageId,
    attachments: email.attachments,
    list: email.unsubscribeUrl ? { unsubscribe: email.unsubscribeUrl } : undefined,
    headers: email.unsubscribeUrl ? { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } : undefined,
  };
}

function smtpTransport(url: string): MailTransport {
  const server = new URL(url);
  const transporter: Transporter = nodemailer.createTransport({
    host: server.hostname,
    port: server.port ? Number(server.port) : server.protocol === "smtps:" ? 465 : 587,
    secure: server.protocol === "smtps:",
    auth: server.username
      ? { user: decodeURIComponent(server.username), pass: decodeURIComponent(server.password) }
      : undefined,
    // A few kept-open connections, each carrying many emails: a new connection (and greeting) per
    // email would cap a busy queue well below what the workers can send.
    pool: true,
    maxConnections: readEnv().SMTP_POOL_SIZE,
    maxMessages: 500,
    // Seconds, not minutes: a stuck server fails the job, which pg-boss retries with backoff.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    kind: "smtp",
    async send(email) {
      await transporter.sendMail(message(email));
    },
    close: () => transporter.close(),
  };
}

function outboxTransport(dir: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    kind: "outbox",
    async send(email) {
      const info = await transporter.sendMail(message(email));
      fs.mkdirSync(dir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, "-");
      const name = `${stamp}-${crypto.createHash("sha256").update(email.messageId).digest("hex").slice(0, 12)}.eml`;
      const tmp = path.join(dir, `.${name}.tmp`);
      fs.writeFileSync(tmp, info.message as Buffer, { mode: 0o600 });
      fs.renameSync(tmp, path.join(dir, name));
    },
    close: () => transporter.close(),
  };
}
