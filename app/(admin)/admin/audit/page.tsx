import type { Metadata } from "next";
import { AdminTable } from "@/components/admin/admin-table";
import { Pagination } from "@/components/admin/pagination";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { listAuditEvents } from "@/lib/audit";
import { requireRole } from "@/lib/auth/gate";
import { auditFilterSchema } from "@/lib/schemas/admin";
import { viewerTimeZone } from "@/lib/http/viewer-time-zone";
import { formatInstant, zoneAbbreviation } from "@/lib/shared/format";

export const metadata: Metadata = { title: "Audit log" };

export default async function AdminAudit({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireRole("admin");
  const filter = auditFilterSchema.parse(await searchParams);
  const [result, tz] = await Promise.all([listAuditEvents(filter), viewerTimeZone()]);
  const time = { format: (at: Date) => `${formatInstant(at, "exact", tz)} ${zoneAbbreviation(tz, at)}` };
  const input = "rounded-md border border-slate-300 bg-white px-3 py-2 text-base sm:text-sm";
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every sign-in, failed sign-in, appointment change and account change, newest first. Entries are never changed or removed."
      />
      <form
        role="search"
        aria-label="Audit events"
        className="mb-4 flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:flex-row sm:items-end"
      >
        <div className="flex flex-1 flex-col gap-1">
          <label htmlFor="action" className="text-sm font-medium text-slate-800">
            Action starts with
          </label>
          <input
            id="action"
            name="action"
            defaultValue={filter.action}
            maxLength={64}
            placeholder="For example: auth. or appointment."
            className={input}
          />
        </div>
        <div className="flex flex-1 flex-col gap-1">
          <label htmlFor="actor" className="text-sm font-medium text-slate-800">
            Who (name or email)
          </label>
          <input id="actor" name="actor" defaultValue={filter.actor} maxLength={100} className={input} />
        </div>
        <button type="submit" className={buttonClasses("secondary")}>
          Filter
        </button>
      </form>
      {result.rows.length === 0 ? (
        <EmptyState title="No events match" />
      ) : (
        <AdminTable caption="Audit events" minWidth="48rem" columns={["When", "Who", "Action", "Target", "Detail"]}>
          {result.rows.map((e) => (
            <tr key={e.id}>
              <td className="px-4 py-2 whitespace-nowrap">{time.format(e.createdAt)}</td>
              <td className="px-4 py-2">{e.actorName ? `${e.actorName} (${e.actorEmail})` : "—"}</td>
              <td className="px-4 py-2 font-mono text-xs">{e.action}</td>
              <td className="px-4 py-2 font-mono text-xs">
                {e.targetType ? `${e.targetType} ${e.targetId ?? ""}` : "—"}
              </td>
              <td className="max-w-xs truncate px-4 py-2 font-mono text-xs">
                {Object.keys(e.detail).length ? JSON.stringify(e.detail) : ""}
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
      <Pagination of={result} params={{ action: filter.action, actor: filter.actor }} />
    </>
  );
}
