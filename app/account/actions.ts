"use server";

import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/gate";
import { DomainError } from "@/lib/errors";
import { roleHome } from "@/lib/auth/roles";
import { changePassword } from "@/lib/users/accounts";
import { changePasswordSchema, fieldErrorsOf, formFields, type ActionResult } from "@/lib/schemas/auth";

export type ChangePasswordState = ActionResult | null;

export async function changePasswordAction(_prev: ChangePasswordState, form: FormData): Promise<ChangePasswordState> {
  const user = await getCurrentUser();
  if (!user) redirect("/login");
  const parsed = changePasswordSchema.safeParse(
    formFields(form, ["currentPassword", "newPassword", "confirmPassword"]),
  );
  if (!parsed.success)
    return { ok: false, message: "Check the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error) };
  try {
    await changePassword({
      userId: user.id,
      currentPassword: parsed.data.currentPassword,
      newPassword: parsed.data.newPassword,
    });
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, message: error.message, fieldErrors: error.fieldErrors };
    throw error;
  }
  redirect(`${roleHome(user.role)}?passwordChanged=1`);
}
