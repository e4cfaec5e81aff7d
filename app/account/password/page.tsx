import type { Metadata } from "next";
import { ChangePasswordForm } from "@/components/auth/change-password-form";
import { SignOutButton } from "@/components/sign-out-button";
import { requirePageUser } from "@/lib/auth/gate";

export const metadata: Metadata = { title: "Change your password" };

export default async function ChangePasswordPage() {
  const user = await requirePageUser({ allowTemporaryPassword: true });
  return (
    <div className="flex min-h-screen flex-col items-center px-4 py-10 sm:justify-center">
      <p className="mb-6 text-xl font-semibold text-brand-800">Carebridge</p>
      <main id="main" className="w-full max-w-md rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="mb-1 text-2xl font-semibold text-slate-900">Change your password</h1>
        <p className="mb-6 text-sm text-slate-600">
          {user.mustChangePassword
            ? `Welcome, ${user.name}. Your account has a temporary password: choose your own to continue.`
            : "Choose a new password."}
        </p>
        <ChangePasswordForm />
        <div className="mt-6 border-t border-slate-200 pt-4">
          <SignOutButton />
        </div>
      </main>
    </div>
  );
}
