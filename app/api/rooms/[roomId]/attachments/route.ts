import type { NextRequest } from "next/server";
import { uploadAttachment } from "@/lib/attachments/upload";
import { jsonResponse, parseOr400, withUser } from "@/lib/http/handler";
import { requireSameOrigin } from "@/lib/http/same-origin";
import { attachmentUploadQuerySchema } from "@/lib/schemas/attachments";
import { idSchema } from "@/lib/schemas/appointments";

type Context = { params: Promise<{ roomId: string }> };

const MEMBERS = { roles: ["patient", "doctor"] } as const;

/**
 * POST ?name=<file name>, the file's bytes as the body (any Content-Type: the bytes decide):
 * stores one file for the next message into this room; 201 with its description. The body streams
 * to storage and is cut off at the size limit.
 */
export async function POST(request: NextRequest, { params }: Context) {
  const refused = requireSameOrigin(request);
  if (refused) return refused;
  return withUser(MEMBERS, async (user) => {
    const roomId = parseOr400(idSchema("conversation"), (await params).roomId);
    if (!roomId.ok) return roomId.response;
    const query = parseOr400(attachmentUploadQuerySchema, Object.fromEntries(request.nextUrl.searchParams));
    if (!query.ok) return query.response;
    const declared = request.headers.get("content-length");
    const attachment = await uploadAttachment({
      roomId: roomId.data,
      userId: user.id,
      name: query.data.name,
      body: request.body,
      declaredBytes: declared !== null && /^\d+$/.test(declared) ? Number(declared) : null,
    });
    return jsonResponse({ attachment }, { status: 201 });
  });
}
