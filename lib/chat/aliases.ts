import "server-only";
import { alias } from "drizzle-orm/pg-core";
import { roomMembers, users } from "@/db/schema";

/** The reader's member row, the other member's row and the other person: the names every chat query joins by. */
export const me = alias(roomMembers, "me");
export const them = alias(roomMembers, "them");
export const otherUser = alias(users, "other_user");
