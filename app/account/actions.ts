"use server";

import { redirect } from "next/navigation";
import { roleHome } from "@/lib/auth/roles";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { CHECK_FIELDS, runAction } from "@/lib/http/action";
import { changePasswordSchema } from "@/lib/schemas/auth";
import { formFields, type ActionResult } from "@/lib/schemas/form";
import { changePassword } from "@/lib/users/accounts";

export type ChangePasswordState = ActionResult | null;

export async function changePasswordAction(_prev: ChangePasswordState, form: FormData): Promise<ChangePasswordState> {
  const result = await runAction({
    allowTemporaryPassword: true,
    signedOutGoesToSignIn: true,
    schema: changePasswordSchema,
    input: formFields(form, ["currentPassword", "newPassword", "confirmPassword"]),
    invalidMessage: CHECK_FIELDS,
    run: async (user, data) => {
      await changePassword({ userId: user.id, currentPassword: data.currentPassword, newPassword: data.newPassword });
      // Every session ended with the old password, this one too: it signs in again with the new one.
      await signInWithPassword({ email: user.email, password: data.newPassword });
      return user.role;
    },
  });
  if (!result.ok) return result;
  redirect(`${roleHome(result.data)}?passwordChanged=1`);
}
