/**
 * The form-level message of an action result, announced when it changes. When fields carry their
 * own errors it only points to them, so the same words are not shown twice.
 */
export function FormMessage({
  state,
}: {
  state: { ok: boolean; message?: string; fieldErrors?: Record<string, string[] | undefined> } | null;
}) {
  const hasFieldErrors = Boolean(
    state && !state.ok && state.fieldErrors && Object.values(state.fieldErrors).some((e) => e?.length),
  );
  const message = state && !state.ok ? (hasFieldErrors ? "Check the highlighted fields." : state.message) : null;
  return (
    <div
      aria-live="assertive"
      role="alert"
      className={message ? "rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" : "sr-only"}
    >
      {message}
    </div>
  );
}
