import { awayAt, awayNoticeText, replyTimeLine } from "@/lib/shared/care";
import { doctorName } from "@/lib/shared/display-name";
import type { DoctorCard } from "@/lib/doctors/directory";

/** The doctor's reply time, or their away notice while they are away (directory and booking page). */
export function DoctorCareLine({ doctor, now }: { doctor: DoctorCard; now: Date }) {
  const name = doctorName(doctor.name);
  const away = awayAt(doctor.away, now);
  if (away)
    return (
      <p
        role="note"
        aria-label={`${name} is away`}
        className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950"
      >
        {awayNoticeText(name, away, doctor.timeZone)}
      </p>
    );
  return <p className="text-sm text-slate-700">{replyTimeLine(name, doctor.replyDays)}</p>;
}
