import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { countUsersByRole } from "@/lib/admin";
import { requireRole } from "@/lib/authz";
import { ROLE_LABELS } from "@/lib/roles";

export const metadata: Metadata = { title: "Overview" };

export default async function AdminOverview() {
  await requireRole("admin");
  const byRole = await countUsersByRole();
  return (
    <>
      <PageHeader title="Overview" description="Accounts on this Carebridge." />
      <Card title="Users by role">
        <dl className="grid grid-cols-1 gap-4 sm:grid-cols-3">
          {byRole.map((row) => (
            <div key={row.role} className="rounded-md bg-slate-50 p-4">
              <dt className="text-sm text-slate-600">{ROLE_LABELS[row.role]}s</dt>
              <dd className="text-2xl font-semibold text-slate-900">{row.count}</dd>
            </div>
          ))}
        </dl>
      </Card>
    </>
  );
}
