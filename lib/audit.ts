import { auditEvents } from "@/db/schema";
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
