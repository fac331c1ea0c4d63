import { describe, expect, it } from 'vitest';
import { type AuditFacts, actorWords, auditWords } from '../../src/pipeline/audit-words.ts';

const facts = (o: Partial<AuditFacts>): AuditFacts => ({ action: '', userId: 1, objectType: null, objectId: null, objectLabel: null, objectRemoved: false, detail: {}, ...o });
const text = (o: Partial<AuditFacts>) => auditWords(facts(o)).map((p) => p.text).join('');

describe('auditWords', () => {
  it('names people by email and says what changed in words', () => {
    expect(text({ action: 'user.roles_changed', objectType: 'user', objectId: '7', objectLabel: 'bob@example.org', detail: { from: ['editor'], to: ['editor', 'press_officer'] } })).toBe(
      'changed the roles of bob@example.org from editor to editor and press officer',
    );
    expect(text({ action: 'user.password_set', userId: 7, objectType: 'user', objectId: '7', objectLabel: 'bob@example.org' })).toBe('set their password');
    expect(text({ action: 'user.disabled', objectType: 'user', objectId: '9' })).toBe('disabled the user user 9 (deleted)');
    expect(text({ action: 'user.login', detail: { ip: '127.0.0.1' } })).toBe('logged in from 127.0.0.1');
  });

  it('links objects that have a page: a source while it exists, a story, a rules version', () => {
    const live = auditWords(facts({ action: 'source.disabled', objectType: 'source', objectId: '4', objectLabel: 'Inside Time', detail: { name: 'Inside Time' } }));
    expect(live).toContainEqual({ text: 'Inside Time', href: '/sources/4' });
    const gone = auditWords(facts({ action: 'source.removed', objectType: 'source', objectId: '4', objectLabel: 'Inside Time', objectRemoved: true, detail: { name: 'Inside Time', url: 'https://x.example/f', items: 12 } }));
    expect(gone.map((p) => p.text).join('')).toBe('removed the source Inside Time (https://x.example/f); its 12 item(s) kept');
    expect(gone.some((p) => p.href)).toBe(false);
    expect(text({ action: 'source.enabled', objectType: 'source', objectId: '4', objectLabel: 'Inside Time', objectRemoved: true })).toBe('enabled the source Inside Time (removed)');
    expect(auditWords(facts({ action: 'story.merged', objectType: 'story', objectId: '3', detail: { from: 5 } }))).toContainEqual({ text: 'story 3', href: '/stories/3' });
    expect(text({ action: 'rule.published', objectType: 'rule_version', objectId: '2', detail: { message: 'probation terms' } })).toBe('published rules version 2 “probation terms”');
  });

  it("says a source edit's changes from and to", () => {
    const s = text({ action: 'source.edited', objectType: 'source', objectId: '4', objectLabel: 'MoJ', detail: { changes: { name: { from: 'www.gov.uk', to: 'MoJ' }, topics: { from: [], to: ['prisons', 'courts'] } } } });
    expect(s).toBe('changed the source MoJ: name from “www.gov.uk” to “MoJ”; topic hints from “” to “prisons, courts”');
  });

  it('reads an action it does not know as its words and details, never JSON braces', () => {
    const s = text({ action: 'topic.lines_saved', objectType: 'topic', objectId: 'probation', detail: { version: 3, via: 'cli' } });
    expect(s).toBe('topic lines saved topic probation (version: 3)');
  });

  it('says who: an email, the command line or pressdesk itself', () => {
    expect(actorWords({ userEmail: 'a@example.org', detail: {} })).toBe('a@example.org');
    expect(actorWords({ userEmail: null, detail: { via: 'cli' } })).toBe('command line');
    expect(actorWords({ userEmail: null, detail: {} })).toBe('pressdesk');
  });
});
