import Link from "next/link";
import type { ReactNode } from "react";
import type { Role } from "@/lib/shared/model";
import { ROLE_LABELS, roleHome } from "@/lib/auth/roles";
import type { PublicUser } from "@/lib/users/accounts";
import { readEnv } from "@/lib/env";
import { IdleSignOut } from "./idle-sign-out";
import { LiveUpdates } from "./live-updates";
import { NavLinks, type NavItem } from "./nav-links";
import { SignOutButton } from "./sign-out-button";
import { Icon } from "./ui/icons";
import { TimeZoneSync } from "./time-zone-sync";
import { viewerTimeZone } from "@/lib/http/viewer-time-zone";
import { unreadTotal } from "@/lib/chat/lists";

const NAV: Record<Role, NavItem[]> = {
  patient: [
    { href: "/patient", label: "Home", icon: "home" },
    { href: "/patient/doctors", label: "Find a doctor", short: "Doctors", icon: "search" },
    { href: "/patient/appointments", label: "Appointments", short: "Visits", icon: "calendar" },
    { href: "/chat", label: "Messages", icon: "chat", unread: true },
  ],
  doctor: [
    { href: "/doctor", label: "Home", icon: "home" },
    { href: "/doctor/requests", label: "Requests", icon: "inbox" },
    { href: "/doctor/appointments", label: "Appointments", short: "Visits", icon: "calendar" },
    { href: "/chat", label: "Messages", icon: "chat", unread: true },
    { href: "/doctor/settings", label: "Working hours", short: "Hours", icon: "clock" },
  ],
  admin: [
    { href: "/admin", label: "Overview", icon: "chart" },
    { href: "/admin/users", label: "Users", icon: "users" },
    { href: "/admin/appointments", label: "Appointments", short: "Visits", icon: "calendar" },
    { href: "/admin/rooms", label: "Chat rooms", short: "Rooms", icon: "chat" },
    { href: "/admin/audit", label: "Audit log", short: "Audit", icon: "list" },
  ],
};

export async function AppShell({
  user,
  children,
}: {
  user: Pick<PublicUser, "id" | "name" | "role">;
  children: ReactNode;
}) {
  // Admins never see message counts: they have no conversations.
  const initialUnread = user.role === "admin" ? null : await unreadTotal(user.id);
  return (
    <div className="flex min-h-screen flex-col">
      <TimeZoneSync renderedIn={await viewerTimeZone()} />
      {user.role === "admin" ? null : <LiveUpdates meId={user.id} />}
      <IdleSignOut idleMinutes={readEnv().SESSION_IDLE_MINUTES} />
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex h-14 max-w-6xl items-center justify-between gap-3 px-4 sm:h-auto sm:py-3">
          <Link href={roleHome(user.role)} className="shrink-0 text-lg font-semibold text-brand-800">
            Carebridge
          </Link>
          <div className="flex min-w-0 items-center gap-3">
            <p className="min-w-0 text-right text-sm leading-tight">
              <span className="block truncate font-medium text-slate-900">{user.name}</span>
              <span className="hidden text-slate-600 sm:block">{ROLE_LABELS[user.role]}</span>
            </p>
            {user.role === "admin" ? null : (
              <Link
                href="/account/settings"
                className="flex items-center gap-1 rounded-md p-2 text-sm font-medium text-slate-700 hover:bg-slate-100 sm:px-3"
              >
                <Icon name="bell" className="size-5" />
                <span className="sr-only sm:not-sr-only">Notifications</span>
              </Link>
            )}
            <SignOutButton />
          </div>
        </div>
        {/* A bottom bar on a phone (fixed, 4rem), a row under the header from 640 px up. */}
        <nav
          aria-label="Main"
          className="fixed inset-x-0 bottom-0 z-40 border-t border-slate-200 bg-white pb-[env(safe-area-inset-bottom)] sm:static sm:mx-auto sm:max-w-6xl sm:border-0 sm:px-2 sm:pb-2"
        >
          <NavLinks items={NAV[user.role]} initialUnread={initialUnread} />
        </nav>
      </header>
      <main
        id="main"
        tabIndex={-1}
        className="mx-auto w-full max-w-6xl flex-1 px-4 pt-6 pb-[calc(5.5rem+env(safe-area-inset-bottom))] focus:outline-none sm:pb-6"
      >
        {children}
      </main>
    </div>
  );
}
