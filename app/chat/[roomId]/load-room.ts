import { notFound } from "next/navigation";
import { cache } from "react";
import { requireRole } from "@/lib/auth/gate";
import { roomForMember } from "@/lib/chat/rooms";
import { idSchema } from "@/lib/schemas/appointments";

/** The room for its member, once per request; anyone else and any unknown id get not-found. */
export const loadRoom = cache(async (roomId: string) => {
  const user = await requireRole("patient", "doctor");
  const id = idSchema("conversation").safeParse(roomId);
  const room = id.success ? await roomForMember({ roomId: id.data, userId: user.id }) : null;
  if (!room) notFound();
  return { user, room };
});
