import Link from "next/link";

/** What registration answers, whether the address was new or already had an account. */
export function CheckYourEmail({ email }: { email: string }) {
  return (
    <div role="status" className="flex flex-col gap-3">
      <h2 className="text-lg font-semibold text-slate-900">Check your email</h2>
      <p className="text-sm wrap-anywhere text-slate-700">
        We sent a message to <strong>{email}</strong>. Open the link in it to confirm your address, then sign in. The
        link works for 24 hours.
      </p>
      <p className="text-sm text-slate-600">Nothing arrived after a few minutes? Look in your spam folder.</p>
      <Link href="/login" className="text-sm font-medium text-brand-700 underline">
        Go to sign in
      </Link>
    </div>
  );
}
