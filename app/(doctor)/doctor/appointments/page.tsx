import type { Metadata } from "next";
import { AppointmentList } from "@/components/appointments/appointment-list";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { doctorAcceptedAppointments, doctorHistory } from "@/lib/appointments/lists";
import { requireRole } from "@/lib/auth/gate";
import { zoneLabel } from "@/lib/shared/format";
import { viewerTimeZone } from "@/lib/http/viewer-time-zone";

export const metadata: Metadata = { title: "Appointments" };

export default async function DoctorAppointments() {
  const user = await requireRole("doctor");
  const [{ upcoming, past }, history, tz] = await Promise.all([
    doctorAcceptedAppointments(user.id),
    doctorHistory(user.id),
    viewerTimeZone(),
  ]);
  return (
    <>
      <PageHeader title="Appointments" description={`Times are shown in ${zoneLabel(tz)}.`} />
      <div className="flex flex-col gap-6">
        <Card title="Upcoming">
          <AppointmentList
            appointments={upcoming}
            viewer="doctor"
            userId={user.id}
            timeZone={tz}
            empty={{ title: "No upcoming appointments", body: "Appointments you accept will show here." }}
          />
        </Card>
        <Card title="To mark completed">
          <AppointmentList
            appointments={past}
            viewer="doctor"
            userId={user.id}
            timeZone={tz}
            empty={{ title: "Nothing to mark completed" }}
          />
        </Card>
        <Card title="History">
          <AppointmentList
            appointments={history}
            viewer="doctor"
            userId={user.id}
            timeZone={tz}
            empty={{ title: "No history yet" }}
          />
        </Card>
      </div>
    </>
  );
}
