import type { Metadata } from "next";
import { BrowserNotificationsToggle } from "@/components/settings/browser-notifications-toggle";
import { NotificationSettingsForm } from "@/components/settings/notification-settings-form";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireRole } from "@/lib/auth/gate";
import { viewerTimeZone } from "@/lib/http/viewer-time-zone";
import { notificationSettingsOf } from "@/lib/notify/settings";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationSettingsPage() {
  const user = await requireRole("patient", "doctor");
  const [settings, tz] = await Promise.all([notificationSettingsOf(user.id), viewerTimeZone()]);
  return (
    <>
      <PageHeader
        title="Notifications"
        description="How Carebridge lets you know about new messages and appointment changes while you are away. Emails never contain what was written: only who wrote, and a link."
      />
      <div className="grid max-w-3xl grid-cols-1 gap-6">
        <Card title="Emails">
          <NotificationSettingsForm
            initial={{ ...settings, timeZone: settings.timeZone }}
            email={user.email}
            viewerTimeZone={tz}
            timeZones={Intl.supportedValuesOf("timeZone")}
          />
        </Card>
        <Card title="This browser">
          <BrowserNotificationsToggle />
        </Card>
      </div>
    </>
  );
}
