import type { Metadata } from "next";
import Link from "next/link";
import { AdminTable } from "@/components/admin/admin-table";
import { Pagination } from "@/components/admin/pagination";
import { EndSessionsButton, UserActiveToggle } from "@/components/admin/user-active-toggle";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { ROLES } from "@/lib/shared/model";
import { listUsers, sessionCounts } from "@/lib/users/admin";
import { requireRole } from "@/lib/auth/gate";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { userFilterSchema } from "@/lib/schemas/admin";
import { viewerTimeZone } from "@/lib/http/viewer-time-zone";
import { formatInstant } from "@/lib/shared/format";

export const metadata: Metadata = { title: "Users" };

export default async function AdminUsers({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const admin = await requireRole("admin");
  const params = await searchParams;
  const filter = userFilterSchema.parse(params);
  const [result, tz] = await Promise.all([listUsers(filter), viewerTimeZone()]);
  const sessions = await sessionCounts(result.rows.filter((u) => u.role !== "admin").map((u) => u.id));
  const date = { format: (at: Date) => formatInstant(at, "date", tz) };
  return (
    <>
      <PageHeader
        title="Users"
        action={
          <Link href="/admin/users/new" className={buttonClasses("primary", "sm")}>
            Create a doctor account
          </Link>
        }
      />
      {typeof params.created === "string" ? (
        <p
          role="status"
          className="mb-4 rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900"
        >
          Doctor account created. Give the doctor their temporary password; they choose their own at first sign-in.
        </p>
      ) : null}
      <form
        role="search"
        aria-label="Users"
        className="mb-4 flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:flex-row sm:items-end"
      >
        <div className="flex flex-1 flex-col gap-1">
          <label htmlFor="q" className="text-sm font-medium text-slate-800">
            Name or email
          </label>
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={filter.q}
            maxLength={100}
            className="rounded-md border border-slate-300 px-3 py-2 text-base sm:text-sm"
          />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="role" className="text-sm font-medium text-slate-800">
            Role
          </label>
          <select
            id="role"
            name="role"
            defaultValue={filter.role ?? ""}
            className="rounded-md border border-slate-300 bg-white px-3 py-2 text-base sm:text-sm"
          >
            <option value="">All roles</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className={buttonClasses("secondary")}>
          Search
        </button>
      </form>
      {result.rows.length === 0 ? (
        <EmptyState title="No users match">Try another name, email or role.</EmptyState>
      ) : (
        <AdminTable
          caption="Users"
          minWidth="40rem"
          columns={["Name", "Email", "Role", "Status", "Sessions", "Created", ""]}
        >
          {result.rows.map((u) => (
            <tr key={u.id}>
              <td className="px-4 py-2 font-medium text-slate-900">{u.name}</td>
              <td className="px-4 py-2 text-slate-700">{u.email}</td>
              <td className="px-4 py-2">{ROLE_LABELS[u.role]}</td>
              <td className="px-4 py-2">
                {u.active ? <Badge tone="success">Active</Badge> : <Badge tone="danger">Deactivated</Badge>}
              </td>
              <td className="px-4 py-2 text-slate-700">{u.role === "admin" ? "" : (sessions.get(u.id) ?? 0)}</td>
              <td className="px-4 py-2 text-slate-700">{date.format(u.createdAt)}</td>
              <td className="px-4 py-2 text-right">
                {u.role !== "admin" && u.id !== admin.id ? (
                  <div className="flex justify-end gap-2">
                    <EndSessionsButton userId={u.id} name={u.name} sessions={sessions.get(u.id) ?? 0} />
                    <UserActiveToggle userId={u.id} name={u.name} active={u.active} />
                  </div>
                ) : null}
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
      <Pagination of={result} params={{ q: filter.q, role: filter.role }} />
    </>
  );
}
