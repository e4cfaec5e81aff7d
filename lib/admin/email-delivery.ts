import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { rowsOf } from "@/db/rows";
import { jobQueue, QUEUES } from "@/lib/jobs/queue";

/** The queues whose jobs end in an email. */
const EMAIL_QUEUES = [QUEUES.unreadMessage, QUEUES.digest, QUEUES.appointmentEmail, QUEUES.accountEmail];

export interface UndeliveredEmail {
  id: string;
  /** The email's type (its queue and event), never its content. */
  kind: string;
  recipient: string | null;
  failedAt: Date;
  attempts: number;
}

export interface EmailDeliveryOverview {
  sentLast24h: number;
  failedLast24h: number;
  waiting: number;
  /** Emails that kept failing until their retries ran out, newest first. */
  deadLetters: UndeliveredEmail[];
}

const KIND = sql`coalesce(j.source_name, j.name) || coalesce(': ' || (j.data->>'event'), '')`;

/**
 * For the admin overview: emails sent, failed and waiting, from the delivery records and pg-boss's
 * own job table. Only the type and the recipient of an undelivered email are shown.
 */
export async function emailDeliveryOverview(now: Date = new Date()): Promise<EmailDeliveryOverview> {
  await jobQueue();
  const since = new Date(now.getTime() - 24 * 3_600_000).toISOString();
  const queues = sql.join(
    EMAIL_QUEUES.map((q) => sql`${q}`),
    sql`, `,
  );
  const db = getDb();
  const [counts, dead] = await Promise.all([
    db.execute(sql`
      select
        (select count(*) from email_deliveries where status = 'sent' and sent_at >= ${since}::timestamptz)::int as sent,
        (select count(*) from pgboss.job where name in (${queues}) and state = 'failed'
            and completed_on >= ${since}::timestamptz)::int as failed,
        (select count(*) from pgboss.job where name in (${queues}) and state in ('created', 'retry', 'active'))::int as waiting`),
    db.execute(sql`
      select j.id::text as id, ${KIND} as kind, u.email as recipient, j.created_on as failed_at,
             coalesce(j.source_retry_count, 0) + 1 as attempts
        from pgboss.job j
        left join users u on u.id::text = coalesce(j.data->>'recipientId', j.data->>'userId')
       where j.name = ${QUEUES.deadLetter}
       order by j.created_on desc
       limit 20`),
  ]);
  const [c] = rowsOf<{ sent: number; failed: number; waiting: number }>(counts);
  return {
    sentLast24h: Number(c?.sent ?? 0),
    failedLast24h: Number(c?.failed ?? 0),
    waiting: Number(c?.waiting ?? 0),
    deadLetters: rowsOf<{
      id: string;
      kind: string;
      recipient: string | null;
      failed_at: string | Date;
      attempts: number;
    }>(dead).map((r) => ({
      id: r.id,
      kind: r.kind,
      recipient: r.recipient,
      failedAt: new Date(r.failed_at),
      attempts: Number(r.attempts),
    })),
  };
}
