import type { Metadata } from "next";
import { AdminTable } from "@/components/admin/admin-table";
import { Pagination } from "@/components/admin/pagination";
import { StatusBadge } from "@/components/appointments/status-badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { listRooms } from "@/lib/chat/admin-rooms";
import { requireRole } from "@/lib/auth/gate";
import { pageSchema } from "@/lib/schemas/admin";
import { viewerTimeZone } from "@/lib/http/viewer-time-zone";
import { formatDateTime } from "@/lib/shared/format";

export const metadata: Metadata = { title: "Chat rooms" };

export default async function AdminRooms({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireRole("admin");
  const { page } = pageSchema.parse(await searchParams);
  const [result, tz] = await Promise.all([listRooms({ page }), viewerTimeZone()]);
  const time = { format: (at: Date) => formatDateTime(at, tz) };
  return (
    <>
      <PageHeader
        title="Chat rooms"
        description="Who talks with whom, how much and when. Message contents are private to the two members and never shown here."
      />
      {result.rows.length === 0 ? (
        <EmptyState title="No chat rooms yet" />
      ) : (
        <AdminTable
          caption="Chat rooms"
          minWidth="40rem"
          columns={["Members", "Messages", "Last activity", "Appointment"]}
        >
          {result.rows.map((r) => (
            <tr key={r.id}>
              <td className="px-4 py-2">{r.members.join(" and ")}</td>
              <td className="px-4 py-2">{r.messageCount}</td>
              <td className="px-4 py-2 whitespace-nowrap">{time.format(r.lastActivityAt)}</td>
              <td className="px-4 py-2">
                <StatusBadge status={r.appointmentStatus} />
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
      <Pagination of={result} params={{}} />
    </>
  );
}
