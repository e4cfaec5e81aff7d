import type { Metadata } from "next";
import { ForgotPasswordForm } from "@/components/auth/forgot-password-form";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <>
      <h1 className="mb-1 text-2xl font-semibold text-slate-900">Forgot your password?</h1>
      <p className="mb-6 text-sm text-slate-600">Enter the email address of your account: we will send you a link.</p>
      <ForgotPasswordForm />
    </>
  );
}
