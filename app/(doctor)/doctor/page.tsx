import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireRole } from "@/lib/authz";

export const metadata: Metadata = { title: "Home" };

export default async function DoctorHome() {
  const user = await requireRole("doctor");
  return (
    <>
      <PageHeader title={`Hello, ${user.name}`} description="Your requests, appointments and messages from patients." />
      <Card title="Pending requests">
        <EmptyState title="No pending requests">New appointment requests from patients will show here.</EmptyState>
      </Card>
    </>
  );
}
