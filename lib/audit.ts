import "server-only";
import { and, desc, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import { auditEvents, users } from "@/db/schema";
import { ADMIN_PAGE_SIZE, countUpTo, likeOf, pageOf, type Page } from "@/lib/paging";
import { getDb, type Database } from "@/db";

export interface AuditInput {
  actorId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  detail?: Record<string, unknown>;
}

/** Appends one audit event; pass the transaction when the event belongs to a change. */
export async function recordAudit(event: AuditInput, tx: Pick<Database, "insert"> = getDb()): Promise<void> {
  await tx.insert(auditEvents).values({
    actorId: event.actorId,
    action: event.action,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    detail: event.detail ?? {},
  });
}

const auditNewestFirst = [desc(auditEvents.createdAt), desc(auditEvents.id)];

export interface AuditRow {
  id: number;
  createdAt: Date;
  action: string;
  actorName: string | null;
  actorEmail: string | null;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown>;
}

export async function listAuditEvents(filter: {
  action?: string;
  actor?: string;
  page: number;
}): Promise<Page<AuditRow>> {
  const conditions: SQL[] = [];
  if (filter.action)
    conditions.push(sql`${auditEvents.action} like ${`${filter.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  if (filter.actor)
    conditions.push(or(ilike(users.email, likeOf(filter.actor)), ilike(users.name, likeOf(filter.actor)))!);
  const where = conditions.length ? and(...conditions) : undefined;
  const db = getDb();
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: auditEvents.id,
        createdAt: auditEvents.createdAt,
        action: auditEvents.action,
        actorName: users.name,
        actorEmail: users.email,
        targetType: auditEvents.targetType,
        targetId: auditEvents.targetId,
        detail: auditEvents.detail,
      })
      .from(auditEvents)
      .leftJoin(users, eq(users.id, auditEvents.actorId))
      .where(where)
      .orderBy(...auditNewestFirst)
      .limit(ADMIN_PAGE_SIZE)
      .offset((filter.page - 1) * ADMIN_PAGE_SIZE),
    // The join only when filtering by actor: counting the whole log need not read users.
    filter.actor
      ? countUpTo(
          db
            .select({ one: sql`1` })
            .from(auditEvents)
            .leftJoin(users, eq(users.id, auditEvents.actorId))
            .where(where),
          filter.page,
        )
      : countUpTo(
          db
            .select({ one: sql`1` })
            .from(auditEvents)
            .where(where)
            .orderBy(...auditNewestFirst),
          filter.page,
        ),
  ]);
  return pageOf(rows, total?.n ?? 0, filter.page);
}
