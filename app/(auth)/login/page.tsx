import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { getCurrentUser } from "@/lib/auth/gate";
import { afterSignInPath } from "@/lib/auth/roles";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { callbackUrl, ended, idle, error, reset, verified } = await searchParams;
  const target = typeof callbackUrl === "string" && callbackUrl.length <= 2000 ? callbackUrl : undefined;
  const user = await getCurrentUser();
  if (user) redirect(afterSignInPath(target, user.role));
  return (
    <>
      <h1 className="mb-1 text-2xl font-semibold text-slate-900">Sign in</h1>
      <p className="mb-6 text-sm text-slate-600">Welcome back to Carebridge.</p>
      {reset ? (
        <p
          role="status"
          className="mb-4 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900"
        >
          Your password was changed and every device was signed out. Sign in with your new password.
        </p>
      ) : verified ? (
        <p
          role="status"
          className="mb-4 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900"
        >
          Your email address is confirmed. Sign in to continue.
        </p>
      ) : idle ? (
        <p
          role="status"
          className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          You were signed out because nothing happened for a while. Sign in again to continue.
        </p>
      ) : ended ? (
        <p
          role="status"
          className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          Your session has ended. If your account was deactivated, contact the clinic.
        </p>
      ) : error ? (
        <p role="alert" className="mb-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
          Signing in could not be completed. Please try again.
        </p>
      ) : null}
      <LoginForm callbackUrl={target} />
    </>
  );
}
