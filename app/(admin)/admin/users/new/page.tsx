import type { Metadata } from "next";
import Link from "next/link";
import { CreateDoctorForm } from "@/components/admin/create-doctor-form";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireRole } from "@/lib/auth/gate";

export const metadata: Metadata = { title: "Create a doctor account" };

export default async function NewDoctor() {
  await requireRole("admin");
  return (
    <>
      <PageHeader
        title="Create a doctor account"
        description="The doctor signs in with the temporary password and must choose their own before anything else. They get Monday–Friday 09:00–17:00 as working hours, which they can change."
        action={
          <Link href="/admin/users" className="text-sm font-medium text-brand-700 underline">
            Back to users
          </Link>
        }
      />
      <Card>
        <CreateDoctorForm timeZones={Intl.supportedValuesOf("timeZone")} />
      </Card>
    </>
  );
}
