import "server-only";
import type { ChatMessage } from "./messages";
import type { AttachmentJson } from "@/lib/attachments/views";
import type { MessageKind } from "@/lib/shared/model";
import type { ConversationSummary, RecentMessage } from "@/lib/chat/lists";

/** A message as the browser holds it (dates as ISO strings), from the action and the endpoint alike. */
export interface ChatMessageJson {
  seq: number;
  senderId: string;
  clientId: string;
  body: string;
  kind: MessageKind;
  createdAt: string;
  attachments: AttachmentJson[];
}

export function toMessageJson(m: ChatMessage): ChatMessageJson {
  return {
    seq: m.seq,
    senderId: m.senderId,
    clientId: m.clientId,
    body: m.body,
    kind: m.kind,
    createdAt: m.createdAt.toISOString(),
    attachments: m.attachments ?? [],
  };
}

export interface ConversationJson {
  roomId: string;
  lastActivityAt: string;
  appointmentStartsAt: string;
  appointmentStatus: string;
  other: { id: string; name: string; role: string; specialty: string | null };
  last: { body: string; createdAt: string; senderId: string } | null;
  unread: number;
  closed: boolean;
  hasDraft: boolean;
}

export function toConversationJson(c: ConversationSummary): ConversationJson {
  return {
    roomId: c.roomId,
    lastActivityAt: c.lastActivityAt.toISOString(),
    appointmentStartsAt: c.appointmentStartsAt.toISOString(),
    appointmentStatus: c.appointmentStatus,
    other: c.other,
    last: c.last ? { body: c.last.body, createdAt: c.last.createdAt.toISOString(), senderId: c.last.senderId } : null,
    unread: c.unread,
    closed: c.closed,
    hasDraft: c.hasDraft,
  };
}

/** A page of the conversation list; `nextCursor` asks for the page after it (null on the last). */
export interface ConversationPageJson {
  conversations: ConversationJson[];
  nextCursor: string | null;
}

export function toConversationPageJson(page: {
  conversations: ConversationSummary[];
  nextCursor: string | null;
}): ConversationPageJson {
  return { conversations: page.conversations.map(toConversationJson), nextCursor: page.nextCursor };
}

export interface RecentMessageJson {
  roomId: string;
  seq: number;
  body: string;
  createdAt: string;
  sender: { id: string; name: string; role: string };
  unread: boolean;
}

export function toRecentJson(m: RecentMessage): RecentMessageJson {
  return {
    roomId: m.roomId,
    seq: m.seq,
    body: m.body,
    createdAt: m.createdAt.toISOString(),
    sender: m.sender,
    unread: m.unread,
  };
}
