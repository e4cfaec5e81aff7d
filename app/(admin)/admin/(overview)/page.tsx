import type { Metadata } from "next";
import { StatusBadge } from "@/components/appointments/status-badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { AdminTable } from "@/components/admin/admin-table";
import { emailDeliveryOverview } from "@/lib/admin/email-delivery";
import { overview } from "@/lib/admin/overview";
import { viewerTimeZone } from "@/lib/http/viewer-time-zone";
import { formatDateTime } from "@/lib/shared/format";
import { requireRole } from "@/lib/auth/gate";
import { ROLE_LABELS } from "@/lib/auth/roles";

export const metadata: Metadata = { title: "Overview" };

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div className="rounded-md bg-slate-50 p-4">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="text-2xl font-semibold text-slate-900">{value}</dd>
    </div>
  );
}

export default async function AdminOverview() {
  await requireRole("admin");
  const [data, emails, tz] = await Promise.all([overview(), emailDeliveryOverview(), viewerTimeZone()]);
  return (
    <>
      <PageHeader title="Overview" description="Accounts, appointments and activity on this Carebridge." />
      <div className="flex flex-col gap-6">
        <Card title="Users by role">
          <dl className="grid grid-cols-1 gap-4 sm:grid-cols-3">
            {data.usersByRole.map((row) => (
              <Stat key={row.role} label={`${ROLE_LABELS[row.role]}s`} value={row.count} />
            ))}
          </dl>
        </Card>
        <Card title="Appointments by status">
          <dl className="grid grid-cols-2 gap-4 sm:grid-cols-5">
            {data.appointmentsByStatus.map((row) => (
              <div key={row.status} className="rounded-md bg-slate-50 p-4">
                <dt>
                  <StatusBadge status={row.status} />
                </dt>
                <dd className="mt-1 text-2xl font-semibold text-slate-900">{row.count}</dd>
              </div>
            ))}
          </dl>
        </Card>
        <Card title="Conversations">
          <dl className="grid grid-cols-1 gap-4 sm:grid-cols-2">
            <Stat label="Messages in the last 24 hours" value={data.messagesLast24h} />
            <Stat label="Open chat rooms" value={data.activeRooms} />
          </dl>
        </Card>
        <Card title="Emails">
          <dl className="grid grid-cols-1 gap-4 sm:grid-cols-3">
            <Stat label="Sent in the last 24 hours" value={emails.sentLast24h} />
            <Stat label="Failed in the last 24 hours" value={emails.failedLast24h} />
            <Stat label="Waiting to be sent" value={emails.waiting} />
          </dl>
          <h3 className="mt-6 mb-2 text-base font-semibold text-slate-900">Could not be delivered</h3>
          {emails.deadLetters.length === 0 ? (
            <p className="text-sm text-slate-600">Every email was delivered or is still being tried.</p>
          ) : (
            <AdminTable
              caption="Emails that could not be delivered"
              columns={["Type", "Recipient", "Given up", "Attempts"]}
              minWidth="40rem"
            >
              {emails.deadLetters.map((e) => (
                <tr key={e.id}>
                  <td className="px-4 py-2">{e.kind}</td>
                  <td className="px-4 py-2">{e.recipient ?? "(account removed)"}</td>
                  <td className="px-4 py-2 whitespace-nowrap">{formatDateTime(e.failedAt, tz)}</td>
                  <td className="px-4 py-2">{e.attempts}</td>
                </tr>
              ))}
            </AdminTable>
          )}
        </Card>
      </div>
    </>
  );
}
