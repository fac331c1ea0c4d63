// The draft state machine: which action moves a draft from which states to which, and who may take it.
//   drafted → awaiting_approval → (changes_requested → awaiting_approval)* → approved
//   awaiting_approval → rejected | expired;  edit: awaiting_approval or changes_requested, same state, version + 1
// Only press officers decide; with the four-eyes setting on, the last editor may not approve.
import type { DraftAction, DraftStatus } from '../domain/drafts.ts';

interface Rule {
  from: readonly DraftStatus[];
  /** undefined = the status stays. */
  to?: DraftStatus;
  /** Who may: a press officer, or the system (the pipeline, chaseDrafts). */
  by: 'press_officer' | 'system' | 'press_officer_or_system';
}

export const TRANSITIONS: Record<DraftAction, Rule> = {
  request_approval: { from: ['drafted', 'changes_requested'], to: 'awaiting_approval', by: 'press_officer_or_system' },
  approve: { from: ['awaiting_approval'], to: 'approved', by: 'press_officer' },
  request_changes: { from: ['awaiting_approval'], to: 'changes_requested', by: 'press_officer' },
  reject: { from: ['awaiting_approval'], to: 'rejected', by: 'press_officer' },
  edit: { from: ['awaiting_approval', 'changes_requested'], by: 'press_officer' },
  expire: { from: ['awaiting_approval'], to: 'expired', by: 'system' },
};

export interface Actor {
  /** null = the system. */
  id: number | null;
  roles: readonly string[];
  disabled?: boolean;
}

export type TransitionCheck =
  | { ok: true; to: DraftStatus }
  | { ok: false; reason: 'state' | 'forbidden' | 'last_editor'; message: string };

const LABEL: Record<DraftStatus, string> = {
  drafted: 'drafted',
  awaiting_approval: 'awaiting approval',
  changes_requested: 'changes requested',
  approved: 'approved',
  rejected: 'rejected',
  expired: 'expired',
};

/** May `actor` take `action` on a draft in `status`? Where to it leads, or why not. */
export function checkTransition(
  action: DraftAction,
  draft: { status: DraftStatus; lastEditorUserId: number | null },
  actor: Actor,
  settings: { approverNotLastEditor: boolean },
): TransitionCheck {
  const rule = TRANSITIONS[action];
  const isSystem = actor.id === null;
  const officer = !isSystem && !actor.disabled && actor.roles.includes('press_officer');
  const allowed = rule.by === 'system' ? isSystem : rule.by === 'press_officer' ? officer : isSystem || officer;
  if (!allowed) {
    return { ok: false, reason: 'forbidden', message: rule.by === 'system' ? `drafts: only pressdesk itself may ${action.replace('_', ' ')} a draft` : 'drafts: only press officers may do this; ask an admin for the press_officer role' };
  }
  if (!rule.from.includes(draft.status)) {
    return { ok: false, reason: 'state', message: `drafts: the draft is ${LABEL[draft.status]}, so it cannot be ${pastTense(action)} now` };
  }
  if (action === 'approve' && settings.approverNotLastEditor && draft.lastEditorUserId !== null && draft.lastEditorUserId === actor.id) {
    return { ok: false, reason: 'last_editor', message: 'drafts: you edited this draft last, so another press officer must approve it' };
  }
  return { ok: true, to: rule.to ?? draft.status };
}

function pastTense(a: DraftAction): string {
  return { request_approval: 'sent for approval', approve: 'approved', request_changes: 'sent back for changes', reject: 'rejected', edit: 'edited', expire: 'expired' }[a];
}

export const statusLabel = (s: DraftStatus) => LABEL[s];
