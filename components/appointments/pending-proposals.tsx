"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { toast } from "sonner";
import { answerProposalAction } from "@/app/appointment-actions";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { invalidateCounters } from "@/lib/client/query-keys";
import { formatDateTime } from "@/lib/shared/format";

export interface ProposalJson {
  id: string;
  fromStartsAt: string;
  startsAt: string;
  mine: boolean;
  otherName: string;
}

/** Proposed new times waiting for an answer: the other person's to accept or decline, one's own to withdraw. */
export function PendingProposals({ proposals, timeZone }: { proposals: ProposalJson[]; timeZone: string }) {
  if (proposals.length === 0)
    return <EmptyState title="No new times proposed">Proposals to move an appointment show here.</EmptyState>;
  return (
    <ul className="flex flex-col gap-3">
      {proposals.map((p) => (
        <li
          key={p.id}
          className="flex flex-col gap-3 rounded-lg border border-amber-200 bg-amber-50 p-4 sm:flex-row sm:items-center sm:justify-between"
        >
          <p className="text-sm text-slate-900">
            {p.mine ? `You proposed to ${p.otherName}: ` : `${p.otherName} proposes: `}
            move from <time dateTime={p.fromStartsAt}>
              {formatDateTime(new Date(p.fromStartsAt), timeZone)}
            </time> to{" "}
            <time dateTime={p.startsAt} className="font-semibold">
              {formatDateTime(new Date(p.startsAt), timeZone)}
            </time>
          </p>
          <ProposalButtons proposal={p} />
        </li>
      ))}
    </ul>
  );
}

function ProposalButtons({ proposal }: { proposal: ProposalJson }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pending, startTransition] = useTransition();
  const answer = (a: "accept" | "decline" | "withdraw") =>
    startTransition(async () => {
      const result = await answerProposalAction({ proposalId: proposal.id, answer: a });
      if (result.ok)
        toast.success(
          a === "accept" ? "Appointment moved." : a === "decline" ? "Proposal declined." : "Proposal withdrawn.",
        );
      else toast.error(result.message);
      invalidateCounters(queryClient);
      router.refresh();
    });
  const who = <span className="sr-only"> ({proposal.otherName})</span>;
  return (
    <div className="flex shrink-0 flex-wrap gap-2">
      {proposal.mine ? (
        <Button size="sm" variant="secondary" disabled={pending} onClick={() => answer("withdraw")}>
          Withdraw{who}
        </Button>
      ) : (
        <>
          <Button size="sm" disabled={pending} onClick={() => answer("accept")}>
            Accept new time{who}
          </Button>
          <Button size="sm" variant="secondary" disabled={pending} onClick={() => answer("decline")}>
            Decline{who}
          </Button>
        </>
      )}
    </div>
  );
}
