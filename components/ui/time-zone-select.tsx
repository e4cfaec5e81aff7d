import type { SelectHTMLAttributes } from "react";

/** A labelled list of IANA time zones. */
export function TimeZoneSelect({
  label,
  timeZones,
  ...props
}: { label: string; timeZones: string[] } & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = props.id ?? "timeZone";
  return (
    <div className="flex max-w-sm min-w-0 flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-800">
        {label}
      </label>
      <select
        id={id}
        className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base sm:text-sm"
        {...props}
      >
        {/* "UTC" is a zone people have, though not in the runtime's list of canonical names. */}
        {(timeZones.includes("UTC") ? timeZones : ["UTC", ...timeZones]).map((z) => (
          <option key={z} value={z}>
            {z.replace(/_/g, " ")}
          </option>
        ))}
      </select>
    </div>
  );
}
