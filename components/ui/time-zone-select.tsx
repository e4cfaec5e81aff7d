import type { SelectHTMLAttributes } from "react";

/** A labelled list of IANA time zones. */
export function TimeZoneSelect({
  label,
  timeZones,
  ...props
}: { label: string; timeZones: string[] } & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = props.id ?? "timeZone";
  return (
    <div className="flex max-w-sm flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-800">
        {label}
      </label>
      <select id={id} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-base sm:text-sm" {...props}>
        {timeZones.map((z) => (
          <option key={z} value={z}>
            {z.replace(/_/g, " ")}
          </option>
        ))}
      </select>
    </div>
  );
}
