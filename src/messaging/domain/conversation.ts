/** Conversation kinds, room channels and member roles, as stored and as sent on the wire. */
export const CONVERSATION_KINDS = ['room', 'team', 'direct', 'group'] as const;
export type ConversationKind = (typeof CONVERSATION_KINDS)[number];

export const MEMBER_ROLES = ['owner', 'member', 'seat', 'spectator'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** Who may change a conversation's members through the API: only groups; the rest follow their room, team or pair. */
export function membershipIsManaged(kind: ConversationKind): boolean {
  return kind !== 'group';
}

/** The key that makes a direct conversation unique per unordered pair of users. */
export function directKey(a: string, b: string): string {
  const [low, high] = [a.toLowerCase(), b.toLowerCase()].sort();
  return `${low}:${high}`;
}
