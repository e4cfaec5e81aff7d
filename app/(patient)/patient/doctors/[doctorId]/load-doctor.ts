import { notFound } from "next/navigation";
import { cache } from "react";
import { findBookableDoctor } from "@/lib/doctors/directory";
import { idSchema } from "@/lib/schemas/appointments";

/** The doctor of this page, once per request; a malformed or unknown id is not-found. */
export const loadDoctor = cache(async (doctorId: string) => {
  const id = idSchema("doctor").safeParse(doctorId);
  const doctor = id.success ? await findBookableDoctor(id.data) : null;
  if (!doctor) notFound();
  return doctor;
});
