import type { Metadata } from "next";
import Link from "next/link";
import { VerifyEmailForm } from "@/components/auth/verify-email-form";
import { linkTokenSchema } from "@/lib/schemas/auth";

export const metadata: Metadata = { title: "Confirm your email address" };

export default async function VerifyEmailPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const token = linkTokenSchema.safeParse((await searchParams).token);
  return (
    <>
      <h1 className="mb-1 text-2xl font-semibold text-slate-900">Confirm your email address</h1>
      {token.success ? (
        <>
          <p className="mb-6 text-sm text-slate-600">One step left: confirm that this address is yours.</p>
          <VerifyEmailForm token={token.data} />
        </>
      ) : (
        <p className="text-sm text-slate-700">
          This link is not complete. Open it again from the email, or{" "}
          <Link href="/login" className="font-medium text-brand-700 underline">
            sign in
          </Link>{" "}
          and send a new one from your home page.
        </p>
      )}
    </>
  );
}
