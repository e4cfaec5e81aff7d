import type { NextRequest } from "next/server";
import { signalTyping } from "@/lib/chat/typing";
import { json, parseOr400, withUser } from "@/lib/http/handler";
import { requireSameOrigin } from "@/lib/http/same-origin";
import { idSchema } from "@/lib/schemas/appointments";

type Context = { params: Promise<{ roomId: string }> };

/**
 * POST (no body): "I am typing in this room", relayed live to the other member. A route handler,
 * not a server action: the browser runs server actions one at a time, and a typing signal must
 * never hold up a send.
 */
export async function POST(request: NextRequest, { params }: Context) {
  const refused = requireSameOrigin(request);
  if (refused) return refused;
  return withUser({ roles: ["patient", "doctor"] }, async (user) => {
    const roomId = parseOr400(idSchema("conversation"), (await params).roomId);
    if (!roomId.ok) return roomId.response;
    return json(await signalTyping({ roomId: roomId.data, userId: user.id }));
  });
}
