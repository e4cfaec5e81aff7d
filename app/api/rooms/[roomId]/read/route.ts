import { markRead } from "@/lib/chat/messages";
import { json, parseOr400, readJsonBody, withUser } from "@/lib/http/handler";
import { requireSameOrigin } from "@/lib/http/same-origin";
import { markReadSchema } from "@/lib/schemas/chat";

type Context = { params: Promise<{ roomId: string }> };

const MEMBERS = { roles: ["patient", "doctor"] } as const;

/**
 * POST { seq }: moves the member's read cursor to seq (never back), as an open thread does for
 * every message it shows. A route handler rather than a server action: it runs once per message
 * received, and an action's page pipeline cost about twice the CPU (bench:delivery).
 */
export async function POST(request: Request, { params }: Context) {
  const refused = requireSameOrigin(request);
  if (refused) return refused;
  return withUser(
    MEMBERS,
    async (user) => {
      const body = await readJsonBody(request);
      if (!body.ok) return body.response;
      const input = parseOr400(markReadSchema, { ...body.data, roomId: (await params).roomId });
      if (!input.ok) return input.response;
      return json(await markRead({ roomId: input.data.roomId, userId: user.id, seq: input.data.seq }));
    },
    request,
  );
}
