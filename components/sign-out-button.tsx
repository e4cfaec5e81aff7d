import { signOutAction } from "@/app/actions";
import { SubmitButton } from "./ui/submit-button";

export function SignOutButton() {
  return (
    <form action={signOutAction}>
      <SubmitButton variant="secondary" size="sm" pendingText="Signing out…">
        Sign out
      </SubmitButton>
    </form>
  );
}
