import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { RegisterForm } from "@/components/auth/register-form";
import { getCurrentUser } from "@/lib/auth/gate";
import { roleHome } from "@/lib/auth/roles";

export const metadata: Metadata = { title: "Create a patient account" };

export default async function RegisterPage() {
  const user = await getCurrentUser();
  if (user) redirect(roleHome(user.role));
  return (
    <>
      <h1 className="mb-1 text-2xl font-semibold text-slate-900">Create a patient account</h1>
      <p className="mb-6 text-sm text-slate-600">Doctors get their accounts from the clinic&apos;s administrator.</p>
      <RegisterForm />
    </>
  );
}
