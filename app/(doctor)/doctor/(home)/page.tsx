import type { Metadata } from "next";
import { AppointmentList } from "@/components/appointments/appointment-list";
import { RecentMessagesPanel } from "@/components/dashboard/recent-messages-panel";
import { UnreadTotalCard } from "@/components/dashboard/unread-total-card";
import { Card } from "@/components/ui/card";
import { PendingProposals } from "@/components/appointments/pending-proposals";
import { pendingProposalsFor, toProposalJson } from "@/lib/appointments/reschedule";
import { SeeAllLink } from "@/components/ui/see-all-link";
import { PageHeader } from "@/components/ui/page-header";
import { doctorAcceptedAppointments, doctorPendingRequests } from "@/lib/appointments/lists";
import { requireRole } from "@/lib/auth/gate";
import { recentMessages, unreadTotal } from "@/lib/chat/lists";
import { toRecentJson } from "@/lib/chat/json";
import { localDateOf } from "@/lib/shared/time";
import { viewerTimeZone } from "@/lib/http/viewer-time-zone";
import { doctorName } from "@/lib/shared/display-name";

export const metadata: Metadata = { title: "Home" };

export default async function DoctorHome() {
  const user = await requireRole("doctor");
  const [pending, { upcoming }, recent, unread, tz, proposals] = await Promise.all([
    doctorPendingRequests(user.id, { limit: 5 }),
    doctorAcceptedAppointments(user.id),
    recentMessages(user.id),
    unreadTotal(user.id),
    viewerTimeZone(),
    pendingProposalsFor(user.id),
  ]);
  const now = new Date();
  const today = localDateOf(now, tz);
  const isToday = (d: Date) => {
    const l = localDateOf(d, tz);
    return l.year === today.year && l.month === today.month && l.day === today.day;
  };
  const todays = upcoming.filter((a) => isToday(a.startsAt));
  const later = upcoming.filter((a) => !isToday(a.startsAt));
  return (
    <>
      <PageHeader
        title={`Hello, ${doctorName(user.name)}`}
        description="Your requests, appointments and messages from patients."
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        {/* First in reading order on every screen, beside the lists from 1024 px: what changed (unread, recent messages). */}
        <div className="flex flex-col gap-6 lg:col-start-3 lg:row-start-1">
          <UnreadTotalCard initial={unread} />
          <RecentMessagesPanel initial={recent.map(toRecentJson)} timeZone={tz} fromLabel="from your patients" />
        </div>
        <div className="flex flex-col gap-6 lg:col-span-2 lg:col-start-1 lg:row-start-1">
          {proposals.length > 0 ? (
            <Card title="Proposed new times">
              <PendingProposals proposals={proposals.map(toProposalJson)} timeZone={tz} />
            </Card>
          ) : null}
          <Card
            title={`Pending requests (${pending.total})`}
            action={<SeeAllLink href="/doctor/requests">All requests</SeeAllLink>}
          >
            <AppointmentList
              appointments={pending.rows}
              viewer="doctor"
              userId={user.id}
              timeZone={tz}
              empty={{ title: "No pending requests", body: "New appointment requests from patients will show here." }}
            />
          </Card>
          <Card title="Today">
            <AppointmentList
              appointments={todays}
              viewer="doctor"
              userId={user.id}
              timeZone={tz}
              empty={{ title: "Nothing else today" }}
            />
          </Card>
          <Card title="Upcoming" action={<SeeAllLink href="/doctor/appointments">All appointments</SeeAllLink>}>
            <AppointmentList
              appointments={later.slice(0, 5)}
              viewer="doctor"
              userId={user.id}
              timeZone={tz}
              empty={{ title: "No upcoming appointments", body: "Appointments you accept will show here." }}
            />
          </Card>
        </div>
      </div>
    </>
  );
}
