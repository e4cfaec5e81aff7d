import Link from "next/link";
import { redirect } from "next/navigation";
import { buttonClasses } from "@/components/ui/button";
import { getCurrentUser } from "@/lib/auth/gate";
import { roleHome } from "@/lib/auth/roles";

export default async function LandingPage() {
  const user = await getCurrentUser();
  if (user) redirect(roleHome(user.role));
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-3xl flex-col justify-center gap-6 px-4 py-12">
      <p className="text-lg font-semibold text-brand-800">Carebridge</p>
      <h1 className="text-3xl font-bold text-slate-900 sm:text-4xl">Your doctor, one message away.</h1>
      <p className="max-w-prose text-lg text-slate-700">
        Find a doctor and request an appointment in a few clicks. Once your doctor accepts, you talk privately in a chat
        only the two of you can read.
      </p>
      <div className="flex flex-wrap gap-3">
        <Link href="/login" className={buttonClasses("primary")}>
          Sign in
        </Link>
        <Link href="/register" className={buttonClasses("secondary")}>
          Create a patient account
        </Link>
      </div>
    </main>
  );
}
