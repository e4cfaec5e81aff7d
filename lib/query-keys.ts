/** React Query keys, from one place so invalidations match what queries use. */
export const keys = {
  thread: (roomId: string) => ["thread", roomId] as const,
  conversations: () => ["conversations"] as const,
  unread: () => ["unread"] as const,
  recentMessages: () => ["recent-messages"] as const,
};

export const REFETCH = {
  thread: 10_000,
  counters: 30_000,
} as const;
