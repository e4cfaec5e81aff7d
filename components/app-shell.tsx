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
import { unreadTotal } from "@/lib/chat/lists";

const NAV: Record<Role, NavItem[]> = {
  patient: [
    { href: "/patient", label: "Home" },
    { href: "/patient/doctors", label: "Find a doctor" },
    { href: "/patient/appointments", label: "Appointments" },
    { href: "/chat", label: "Messages", unread: true },
  ],
  doctor: [
    { href: "/doctor", label: "Home" },
    { href: "/doctor/requests", label: "Requests" },
    { href: "/doctor/appointments", label: "Appointments" },
    { href: "/chat", label: "Messages", unread: true },
    { href: "/doctor/settings", label: "Working hours" },
  ],
  admin: [
    { href: "/admin", label: "Overview" },
    { href: "/admin/users", label: "Users" },
    { href: "/admin/appointments", label: "Appointments" },
    { href: "/admin/rooms", label: "Chat rooms" },
    { href: "/admin/audit", label: "Audit log" },
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
      {user.role === "admin" ? null : <LiveUpdates meId={user.id} />}
      <IdleSignOut idleMinutes={readEnv().SESSION_IDLE_MINUTES} />
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <Link href={roleHome(user.role)} className="text-lg font-semibold text-brand-800">
            Carebridge
          </Link>
          <div className="flex items-center gap-3">
            <p className="text-right text-sm leading-tight">
              <span className="block font-medium text-slate-900">{user.name}</span>
              <span className="block text-slate-600">{ROLE_LABELS[user.role]}</span>
            </p>
            <SignOutButton />
          </div>
        </div>
        <nav aria-label="Main" className="mx-auto max-w-6xl px-2 pb-2">
          <NavLinks items={NAV[user.role]} initialUnread={initialUnread} />
        </nav>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 focus:outline-none">
        {children}
      </main>
    </div>
  );
}
