import { useId, type TextareaHTMLAttributes } from "react";

interface TextareaFieldProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  label: string;
  name: string;
  errors?: string[];
  hint?: string;
  /** Shows "n / max" once the text is within 20 % of the limit. */
  count?: { value: number; max: number };
}

export function TextareaField({ label, name, errors, hint, count, className = "", ...props }: TextareaFieldProps) {
  const id = useId();
  const invalid = Boolean(errors?.length);
  const describedBy =
    [hint ? `${id}-hint` : null, invalid ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  const showCount = count && count.value >= count.max * 0.8;
  return (
    <div className={`flex flex-col gap-1 ${className}`}>
      <label htmlFor={id} className="text-sm font-medium text-slate-800">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        className={`min-h-24 rounded-md border bg-white px-3 py-2 text-base shadow-sm sm:text-sm ${invalid ? "border-red-600" : "border-slate-300"}`}
        {...props}
      />
      <div className="flex justify-between gap-2">
        {hint ? (
          <p id={`${id}-hint`} className="text-xs text-slate-600">
            {hint}
          </p>
        ) : (
          <span />
        )}
        {showCount ? (
          <p className={`text-xs ${count.value > count.max ? "text-red-700" : "text-slate-600"}`} aria-live="polite">
            {count.value} / {count.max}
          </p>
        ) : null}
      </div>
      {/* Always present, so a message that appears in it is announced. */}
      <p id={`${id}-error`} className={invalid ? "text-sm text-red-700" : "sr-only"} aria-live="polite">
        {invalid ? errors?.join(" ") : ""}
      </p>
    </div>
  );
}
