import "server-only";
import { desc, eq, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { appointments, chatRooms, roomMembers, users } from "@/db/schema";
import { ADMIN_PAGE_SIZE, countUpTo, pageOf, type Page } from "@/lib/paging";
import { displayName } from "@/lib/shared/display-name";
import type { AppointmentStatus } from "@/lib/shared/model";

const roomsLatestActivityFirst = [desc(chatRooms.lastActivityAt), desc(chatRooms.id)];

export interface AdminRoomRow {
  id: string;
  members: string[];
  messageCount: number;
  lastActivityAt: Date;
  appointmentStatus: AppointmentStatus;
}

/** Rooms with their members, message count and last activity: never a message body. */
export async function listRooms(filter: { page: number }): Promise<Page<AdminRoomRow>> {
  const db = getDb();
  // The members come with each room (patient first), in the same query: one round trip fewer.
  const members = sql<{ name: string; role: string }[]>`(
    select coalesce(json_agg(json_build_object('name', ${users.name}, 'role', ${users.role}) order by ${users.role} desc), '[]')
      from ${roomMembers} join ${users} on ${users.id} = ${roomMembers.userId}
     where ${roomMembers.roomId} = ${chatRooms.id})`;
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: chatRooms.id,
        members,
        messageCount: chatRooms.lastSeq,
        lastActivityAt: chatRooms.lastActivityAt,
        appointmentStatus: appointments.status,
      })
      .from(chatRooms)
      .innerJoin(appointments, eq(appointments.id, chatRooms.appointmentId))
      .orderBy(...roomsLatestActivityFirst)
      .limit(ADMIN_PAGE_SIZE)
      .offset((filter.page - 1) * ADMIN_PAGE_SIZE),
    countUpTo(
      db
        .select({ one: sql`1` })
        .from(chatRooms)
        .orderBy(...roomsLatestActivityFirst),
      filter.page,
    ),
  ]);
  return pageOf(
    rows.map((row) => ({ ...row, members: row.members.map(displayName) })),
    total?.n ?? 0,
    filter.page,
  );
}

/** An admin account, for `npm run admin:create` (there is no default admin outside the demo data). */
