import type { Metadata } from "next";
import Link from "next/link";
import { UnsubscribeForm } from "@/components/settings/unsubscribe-form";
import { readUnsubscribeToken } from "@/lib/mail/unsubscribe";
import { unsubscribeTokenSchema } from "@/lib/schemas/notifications";

export const metadata: Metadata = { title: "Unsubscribe" };

const WHAT = { messages: "emails about new messages", appointments: "emails about appointments" } as const;

/**
 * Where an email's unsubscribe link lands, signed in or not. Opening it changes nothing (mail
 * scanners open links); the button does, through the same one-click door mail programs use.
 */
export default async function UnsubscribePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const raw = (await searchParams).token;
  const parsed = unsubscribeTokenSchema.safeParse(raw);
  const token = parsed.success ? readUnsubscribeToken(parsed.data) : null;
  if (!token || !parsed.success) {
    return (
      <>
        <h1 className="mb-2 text-2xl font-semibold text-slate-900">This link does not work</h1>
        <p className="mb-4 text-sm text-slate-700">
          The unsubscribe link is incomplete or was changed. Sign in and choose which emails you get in your settings.
        </p>
        <Link href="/account/settings" className="text-sm font-medium text-brand-700 underline">
          Notification settings
        </Link>
      </>
    );
  }
  return (
    <>
      <h1 className="mb-2 text-2xl font-semibold text-slate-900">Stop {WHAT[token.category]}?</h1>
      <p className="mb-6 text-sm text-slate-700">
        You will stop getting {WHAT[token.category]} from Carebridge. Nothing else changes, and you can turn them back
        on in your settings at any time.
      </p>
      <UnsubscribeForm token={parsed.data} what={WHAT[token.category]} />
    </>
  );
}
