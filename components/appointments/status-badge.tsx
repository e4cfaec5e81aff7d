import type { AppointmentStatus } from "@/lib/shared/model";
import { Badge } from "@/components/ui/badge";

const LOOK: Record<AppointmentStatus, { tone: "neutral" | "info" | "success" | "warning" | "danger"; label: string }> =
  {
    requested: { tone: "warning", label: "Requested" },
    accepted: { tone: "success", label: "Accepted" },
    declined: { tone: "danger", label: "Declined" },
    cancelled: { tone: "neutral", label: "Cancelled" },
    completed: { tone: "info", label: "Completed" },
  };

export function StatusBadge({ status }: { status: AppointmentStatus }) {
  const look = LOOK[status];
  return <Badge tone={look.tone}>{look.label}</Badge>;
}
