import type { NextRequest } from "next/server";
import { fileHeaders } from "@/lib/attachments/disposition";
import { openAttachment } from "@/lib/attachments/download";
import { parseOr400, withUser } from "@/lib/http/handler";
import { attachmentFetchQuerySchema } from "@/lib/schemas/attachments";
import { idSchema } from "@/lib/schemas/appointments";

type Context = { params: Promise<{ attachmentId: string }> };

const MEMBERS = { roles: ["patient", "doctor"] } as const;

/** GET [?variant=thumbnail]: a file of a room the caller is a member of, else 404 (admins too). */
export async function GET(request: NextRequest, { params }: Context) {
  return withUser(MEMBERS, async (user) => {
    const id = parseOr400(idSchema("file"), (await params).attachmentId);
    if (!id.ok) return id.response;
    const query = parseOr400(attachmentFetchQuerySchema, Object.fromEntries(request.nextUrl.searchParams));
    if (!query.ok) return query.response;
    const file = await openAttachment({ attachmentId: id.data, userId: user.id, variant: query.data.variant });
    return new Response(file.stream, { headers: fileHeaders(file) });
  });
}
