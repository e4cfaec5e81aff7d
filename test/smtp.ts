import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedEmail {
  envelopeTo: string[];
  parsed: ParsedMail;
  raw: string;
}

/**
 * A real SMTP listener in the test process (smtp-server), parsing what it receives (mailparser):
 * tests point SMTP_URL at it and read what a mail server would have been handed.
 */
export async function startSmtpServer(options: { failFirst?: number; holdMs?: number } = {}) {
  const received: ReceivedEmail[] = [];
  /** Emails whose data arrived and whose acceptance is being held back (holdMs). */
  let holding = 0;
  const closed = new Set<string>();
  let refusals = options.failFirst ?? 0;
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onClose(session) {
      closed.add(session.id);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (refusals > 0) {
          refusals--;
          const error = new Error("Mailbox busy, try again later") as Error & { responseCode: number };
          error.responseCode = 451;
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        // A held email counts only if its sender is still there to hear it was accepted: one
        // whose connection dropped (the sending process was killed) was never handed over.
        const hold = options.holdMs
          ? new Promise<void>((resolve) => {
              holding++;
              setTimeout(() => {
                holding--;
                resolve();
              }, options.holdMs);
            })
          : Promise.resolve();
        void hold
          .then(() => simpleParser(raw))
          .then((parsed) => {
            if (closed.has(session.id)) return;
            received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed, raw });
            for (const wake of waiters) wake();
            callback();
          }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Waits until at least `count` emails arrived (or throws after `ms`). */
    async waitFor(count: number, ms = 15_000): Promise<ReceivedEmail[]> {
      const deadline = Date.now() + ms;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} emails, got ${received.length}`);
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            resolve();
          };
          waiters.add(wake);
          setTimeout(wake, 50);
        });
      }
      return received;
    },
    holding: () => holding,
    failNext(n: number) {
      refusals = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
