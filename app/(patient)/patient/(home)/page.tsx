import type { Metadata } from "next";
import Link from "next/link";
import { AppointmentList } from "@/components/appointments/appointment-list";
import { RecentMessagesPanel } from "@/components/dashboard/recent-messages-panel";
import { UnreadTotalCard } from "@/components/dashboard/unread-total-card";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PendingProposals } from "@/components/appointments/pending-proposals";
import { pendingProposalsFor, toProposalJson } from "@/lib/appointments/reschedule";
import { SeeAllLink } from "@/components/ui/see-all-link";
import { PageHeader } from "@/components/ui/page-header";
import { patientAppointments } from "@/lib/appointments/lists";
import { VerifyEmailBanner } from "@/components/auth/verify-email-banner";
import { requireRole } from "@/lib/auth/gate";
import { emailIsVerified } from "@/lib/auth/recovery";
import { recentMessages, unreadTotal } from "@/lib/chat/lists";
import { toRecentJson } from "@/lib/chat/json";
import { viewerTimeZone } from "@/lib/http/viewer-time-zone";

export const metadata: Metadata = { title: "Home" };

export default async function PatientHome() {
  const user = await requireRole("patient");
  const [{ upcoming }, recent, unread, tz, proposals, verified] = await Promise.all([
    patientAppointments(user.id),
    recentMessages(user.id),
    unreadTotal(user.id),
    viewerTimeZone(),
    pendingProposalsFor(user.id),
    emailIsVerified(user.id),
  ]);
  const accepted = upcoming.filter((a) => a.status === "accepted");
  const waiting = upcoming.filter((a) => a.status === "requested");
  return (
    <>
      <PageHeader
        title={`Hello, ${user.name}`}
        description="Your appointments and messages with your doctors."
        action={
          <Link href="/patient/doctors" className={buttonClasses("primary", "sm")}>
            Find a doctor
          </Link>
        }
      />
      {verified ? null : <VerifyEmailBanner email={user.email} />}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        {/* First in reading order on every screen, beside the lists from 1024 px: what changed (unread, recent messages). */}
        <div className="flex flex-col gap-6 lg:col-start-3 lg:row-start-1">
          <UnreadTotalCard initial={unread} />
          <RecentMessagesPanel initial={recent.map(toRecentJson)} timeZone={tz} fromLabel="from your doctors" />
        </div>
        <div className="flex flex-col gap-6 lg:col-span-2 lg:col-start-1 lg:row-start-1">
          {proposals.length > 0 ? (
            <Card title="Proposed new times">
              <PendingProposals proposals={proposals.map(toProposalJson)} timeZone={tz} />
            </Card>
          ) : null}
          <Card title="Waiting for a doctor">
            <AppointmentList
              appointments={waiting}
              viewer="patient"
              userId={user.id}
              timeZone={tz}
              empty={{ title: "No requests waiting", body: "Requests you send show here until the doctor answers." }}
            />
          </Card>
          <Card
            title="Next appointments"
            action={<SeeAllLink href="/patient/appointments">All appointments</SeeAllLink>}
          >
            <AppointmentList
              appointments={accepted.slice(0, 3)}
              viewer="patient"
              userId={user.id}
              timeZone={tz}
              empty={{ title: "No upcoming appointments", body: "Find a doctor and request a time that suits you." }}
            />
          </Card>
        </div>
      </div>
    </>
  );
}
