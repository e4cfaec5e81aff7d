import type { Metadata } from "next";
import { AppointmentList } from "@/components/appointments/appointment-list";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { doctorPendingRequests } from "@/lib/appointments/lists";
import { requireRole } from "@/lib/auth/gate";
import { zoneLabel } from "@/lib/shared/format";
import { viewerTimeZone } from "@/lib/http/viewer-time-zone";

export const metadata: Metadata = { title: "Requests" };

export default async function DoctorRequests() {
  const user = await requireRole("doctor");
  const [pending, tz] = await Promise.all([doctorPendingRequests(user.id), viewerTimeZone()]);
  const shown =
    pending.rows.length < pending.total
      ? ` · the ${pending.rows.length} oldest shown; deciding them brings up the next`
      : "";
  return (
    <>
      <PageHeader
        title="Appointment requests"
        description={`Oldest first. Times are shown in ${zoneLabel(tz)}. Accepting one declines other requests for the same time.`}
      />
      <Card title={`Pending (${pending.total})${shown}`}>
        <AppointmentList
          appointments={pending.rows}
          viewer="doctor"
          userId={user.id}
          timeZone={tz}
          empty={{ title: "No pending requests", body: "New requests from patients will show here." }}
        />
      </Card>
    </>
  );
}
