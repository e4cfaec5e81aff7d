import "server-only";
import { APPOINTMENT_STATUSES, ROLES } from "@/lib/shared/model";
import { countMessagesSince, foldCounterDeltas, readCounters } from "./stat-counters";

/**
 * Users by role, appointments by status, open rooms and messages of the last 24 hours, from the
 * counters the database keeps on write (lib/stat-counters): no table is counted row by row.
 */
export async function overview(now: Date = new Date()) {
  const [counters, messagesLast24h] = await Promise.all([
    readCounters(),
    countMessagesSince(new Date(now.getTime() - 24 * 3_600_000)),
    foldCounterDeltas(),
  ]);
  const counter = (name: string) => counters.get(name) ?? 0;
  return {
    usersByRole: ROLES.map((role) => ({ role, count: counter(`users.${role}`) })),
    appointmentsByStatus: APPOINTMENT_STATUSES.map((status) => ({ status, count: counter(`appointments.${status}`) })),
    messagesLast24h,
    activeRooms: counter("rooms.open"),
  };
}
