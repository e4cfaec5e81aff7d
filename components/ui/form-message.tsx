/** The form-level message of an action result, announced when it changes. */
export function FormMessage({ state }: { state: { ok: boolean; message?: string } | null }) {
  const message = state && !state.ok ? state.message : null;
  return (
    <div aria-live="assertive" role="alert" className={message ? "rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" : "sr-only"}>
      {message}
    </div>
  );
}
