import type { Metadata } from "next";
import Link from "next/link";
import { AppointmentList } from "@/components/appointments/appointment-list";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { doctorAcceptedAppointments, doctorPendingRequests } from "@/lib/appointments";
import { requireRole } from "@/lib/authz";
import { viewerTimeZone } from "@/lib/viewer-time-zone";

export const metadata: Metadata = { title: "Home" };

export default async function DoctorHome() {
  const user = await requireRole("doctor");
  const [pending, { upcoming }, tz] = await Promise.all([doctorPendingRequests(user.id), doctorAcceptedAppointments(user.id), viewerTimeZone()]);
  return (
    <>
      <PageHeader title={`Hello, Dr ${user.name}`} description="Your requests, appointments and messages from patients." />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card
          title={`Pending requests (${pending.length})`}
          action={
            <Link href="/doctor/requests" className="text-sm font-medium text-brand-700 underline">
              All requests
            </Link>
          }
        >
          <AppointmentList appointments={pending.slice(0, 5)} viewer="doctor" userId={user.id} timeZone={tz} empty={{ title: "No pending requests", body: "New appointment requests from patients will show here." }} />
        </Card>
        <Card
          title="Upcoming appointments"
          action={
            <Link href="/doctor/appointments" className="text-sm font-medium text-brand-700 underline">
              All appointments
            </Link>
          }
        >
          <AppointmentList appointments={upcoming.slice(0, 5)} viewer="doctor" userId={user.id} timeZone={tz} empty={{ title: "No upcoming appointments", body: "Appointments you accept will show here." }} />
        </Card>
      </div>
    </>
  );
}
