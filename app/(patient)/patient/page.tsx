import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireRole } from "@/lib/authz";

export const metadata: Metadata = { title: "Home" };

export default async function PatientHome() {
  const user = await requireRole("patient");
  return (
    <>
      <PageHeader title={`Hello, ${user.name}`} description="Your appointments and messages with your doctors." />
      <Card title="Your appointments">
        <EmptyState title="No appointments yet">Appointments you request will show here.</EmptyState>
      </Card>
    </>
  );
}
