/**
 * Every read the product runs on a page or endpoint, as the benchmark and the plan test call it:
 * the real lib/ functions, for a user with few rooms and for the doctor with many.
 */
import { overview } from "@/lib/admin/overview";
import { listRooms } from "@/lib/chat/admin-rooms";
import { listAuditEvents } from "@/lib/audit";
import { listAppointments } from "@/lib/appointments/admin";
import { listUsers } from "@/lib/users/admin";
import {
  doctorAcceptedAppointments,
  doctorHistory,
  doctorPendingRequests,
  patientAppointments,
} from "@/lib/appointments/lists";
import { listDoctors } from "@/lib/doctors/directory";
import { messagesAfter, threadPage } from "@/lib/chat/messages";
import { listConversations, recentMessages, unreadTotal } from "@/lib/chat/lists";
import { roomForMember } from "@/lib/chat/rooms";
import { conversationCursorSchema } from "@/lib/schemas/conversations";
import { findSessionUser } from "@/lib/auth/sessions";
import { searchMessages } from "@/lib/chat/search";
import { pendingProposalsFor } from "@/lib/appointments/reschedule";

export interface ProductQuery {
  name: string;
  /** Who it is asked for: "few rooms", "2000 rooms", "admin", "anyone". */
  who: string;
  run: () => Promise<unknown>;
}

export interface QueryPeople {
  fewRoomsPatient: string;
  fewRoomsPatientRoom: string;
  busyDoctor: string;
  busyDoctorRoom: string;
}

/** A session id that was never revoked: the check runs as on every request. */
const SESSION_ID = "00000000-0000-4000-8000-00000000beef";

/** The queries, with each room's current last sequence number looked up first (the poll asks after it). */
export async function productQueries(people: QueryPeople, busyLabel = "many rooms"): Promise<ProductQuery[]> {
  const chatUsers = [
    { who: "few rooms", userId: people.fewRoomsPatient, roomId: people.fewRoomsPatientRoom },
    { who: busyLabel, userId: people.busyDoctor, roomId: people.busyDoctorRoom },
  ];
  const queries: ProductQuery[] = [];
  for (const { who, userId, roomId } of chatUsers) {
    const room = await roomForMember({ roomId, userId });
    if (!room) throw new Error(`the ${who} user is not a member of room ${roomId}`);
    const lastSeq = room.lastSeq;
    const secondPage = (await listConversations({ userId })).nextCursor;
    queries.push(
      { name: "session user lookup", who, run: () => findSessionUser(userId, SESSION_ID) },
      { name: "conversation list", who, run: () => listConversations({ userId }) },
      ...(secondPage
        ? [
            {
              name: "conversation list page 2",
              who,
              run: () => listConversations({ userId, before: conversationCursorSchema.parse(secondPage) }),
            },
          ]
        : []),
      { name: "unread total", who, run: () => unreadTotal(userId) },
      { name: "recent messages", who, run: () => recentMessages(userId) },
      { name: "room for member", who, run: () => roomForMember({ roomId, userId }) },
      { name: "thread page of 50", who, run: () => threadPage({ roomId, userId }) },
      {
        name: "thread page before N",
        who,
        run: () => threadPage({ roomId, userId, beforeSeq: Math.max(1, lastSeq - 5) }),
      },
      { name: "poll after N", who, run: () => messagesAfter({ roomId, userId, afterSeq: lastSeq }) },
      {
        name: "thread page around N",
        who,
        run: () => threadPage({ roomId, userId, aroundSeq: Math.max(1, lastSeq - 100) }),
      },
      // A search as it is typed: two words, the last a prefix (the data set's bodies name the room's number).
      {
        name: "message search",
        who,
        run: () => searchMessages({ userId, text: `message ${Math.max(1, lastSeq - 3)} of ro` }),
      },
      // Words in every message of the data set: the person's newest messages are read first.
      { name: "message search, common words", who, run: () => searchMessages({ userId, text: "message of ro" }) },
      { name: "pending reschedule proposals", who, run: () => pendingProposalsFor(userId) },
    );
  }
  queries.push(
    { name: "patient appointments", who: "few rooms", run: () => patientAppointments(people.fewRoomsPatient) },
    { name: "pending requests", who: busyLabel, run: () => doctorPendingRequests(people.busyDoctor) },
    { name: "doctor appointments", who: busyLabel, run: () => doctorAcceptedAppointments(people.busyDoctor) },
    { name: "doctor history", who: busyLabel, run: () => doctorHistory(people.busyDoctor) },
    { name: "doctor directory", who: "anyone", run: () => listDoctors({}) },
    { name: "admin overview", who: "admin", run: () => overview() },
    { name: "admin users", who: "admin", run: () => listUsers({ page: 1 }) },
    { name: "admin users search", who: "admin", run: () => listUsers({ q: "patient 123", page: 1 }) },
    { name: "admin users page 50", who: "admin", run: () => listUsers({ role: "patient", page: 50 }) },
    { name: "admin appointments", who: "admin", run: () => listAppointments({ page: 1 }) },
    {
      name: "admin appointments by status",
      who: "admin",
      run: () => listAppointments({ status: "requested", page: 1 }),
    },
    { name: "admin audit", who: "admin", run: () => listAuditEvents({ page: 1 }) },
    { name: "admin audit by action", who: "admin", run: () => listAuditEvents({ action: "appointment.", page: 1 }) },
    { name: "admin rooms", who: "admin", run: () => listRooms({ page: 1 }) },
  );
  return queries;
}
