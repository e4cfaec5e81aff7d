import { appointmentCalendarFor } from "@/lib/appointments/calendar";
import { contentDisposition } from "@/lib/attachments/disposition";
import { parseOr400, withUser } from "@/lib/http/handler";
import { idSchema } from "@/lib/schemas/appointments";

type Context = { params: Promise<{ appointmentId: string }> };

/** GET: an accepted appointment of the caller's as a calendar file; 404 for anyone else (admins too). */
export async function GET(_request: Request, { params }: Context) {
  return withUser({ roles: ["patient", "doctor"] }, async (user) => {
    const id = parseOr400(idSchema("appointment"), (await params).appointmentId);
    if (!id.ok) return id.response;
    const body = await appointmentCalendarFor({ userId: user.id, appointmentId: id.data });
    return new Response(body, {
      headers: {
        "content-type": "text/calendar; charset=utf-8",
        "content-disposition": contentDisposition("attachment", "appointment.ics"),
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
      },
    });
  });
}
