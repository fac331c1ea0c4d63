import { describe, expect, it } from 'vitest';
import type { DraftStatus } from '../../src/domain/drafts.ts';
import { checkTransition } from '../../src/pipeline/transitions.ts';

const officer = { id: 1, roles: ['press_officer'] };
const editor = { id: 2, roles: ['editor', 'admin'] };
const system = { id: null, roles: [] };
const off = { approverNotLastEditor: false };
const at = (status: DraftStatus, lastEditorUserId: number | null = null) => ({ status, lastEditorUserId });

describe('draft transitions', () => {
  it('follows drafted → awaiting → (changes requested → awaiting)* → approved', () => {
    expect(checkTransition('request_approval', at('drafted'), system, off)).toEqual({ ok: true, to: 'awaiting_approval' });
    expect(checkTransition('request_changes', at('awaiting_approval'), officer, off)).toEqual({ ok: true, to: 'changes_requested' });
    expect(checkTransition('request_approval', at('changes_requested'), officer, off)).toEqual({ ok: true, to: 'awaiting_approval' });
    expect(checkTransition('approve', at('awaiting_approval'), officer, off)).toEqual({ ok: true, to: 'approved' });
    expect(checkTransition('reject', at('awaiting_approval'), officer, off)).toEqual({ ok: true, to: 'rejected' });
    expect(checkTransition('expire', at('awaiting_approval'), system, off)).toEqual({ ok: true, to: 'expired' });
    expect(checkTransition('edit', at('changes_requested'), officer, off)).toEqual({ ok: true, to: 'changes_requested' });
  });

  it('refuses actions from the wrong state', () => {
    for (const s of ['drafted', 'approved', 'rejected', 'expired', 'changes_requested'] as const) {
      expect(checkTransition('approve', at(s), officer, off)).toMatchObject({ ok: false, reason: 'state' });
    }
    expect(checkTransition('edit', at('approved'), officer, off)).toMatchObject({ ok: false, reason: 'state' });
  });

  it('lets only press officers decide, and only the system expire', () => {
    expect(checkTransition('approve', at('awaiting_approval'), editor, off)).toMatchObject({ ok: false, reason: 'forbidden' });
    expect(checkTransition('approve', at('awaiting_approval'), system, off)).toMatchObject({ ok: false, reason: 'forbidden' });
    expect(checkTransition('approve', at('awaiting_approval'), { ...officer, disabled: true }, off)).toMatchObject({ ok: false, reason: 'forbidden' });
    expect(checkTransition('expire', at('awaiting_approval'), officer, off)).toMatchObject({ ok: false, reason: 'forbidden' });
  });

  it('with the four-eyes setting, refuses approval by the last editor only', () => {
    const on = { approverNotLastEditor: true };
    expect(checkTransition('approve', at('awaiting_approval', 1), officer, on)).toMatchObject({ ok: false, reason: 'last_editor' });
    expect(checkTransition('approve', at('awaiting_approval', 1), officer, off).ok).toBe(true);
    expect(checkTransition('approve', at('awaiting_approval', 9), officer, on).ok).toBe(true);
    expect(checkTransition('reject', at('awaiting_approval', 1), officer, on).ok).toBe(true);
  });
});
