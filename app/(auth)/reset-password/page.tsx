import type { Metadata } from "next";
import Link from "next/link";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { linkTokenSchema } from "@/lib/schemas/auth";

export const metadata: Metadata = { title: "Choose a new password" };

export default async function ResetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const token = linkTokenSchema.safeParse((await searchParams).token);
  return (
    <>
      <h1 className="mb-1 text-2xl font-semibold text-slate-900">Choose a new password</h1>
      {token.success ? (
        <>
          <p className="mb-6 text-sm text-slate-600">
            Every device signed in to your account will be signed out, and you sign in again with the new password.
          </p>
          <ResetPasswordForm token={token.data} />
        </>
      ) : (
        <p className="text-sm text-slate-700">
          This link is not complete. Open it again from the email, or{" "}
          <Link href="/forgot-password" className="font-medium text-brand-700 underline">
            ask for a new one
          </Link>
          .
        </p>
      )}
    </>
  );
}
