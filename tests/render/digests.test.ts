// The digest templates: everything from a feed is escaped in the HTML part and readable in the text part.
import { describe, expect, it } from 'vitest';
import { composeDigest } from '../../src/pipeline/digest-content.ts';
import { excerpt, ukWhen } from '../../src/render/helpers.ts';
import { renderEmail } from '../../src/render/index.ts';

const ctx = () => {
  const content = composeDigest({
    topics: ['prisons'],
    stories: [{ id: 1, headline: 'Riot at <script>alert(1)</script> & HMP "Bedford"', url: 'https://example.org/a?b=1&c=2', outlet: 'BBC <News>', moreSources: 2,
      at: new Date('2026-03-02T09:15:00Z'), snippet: excerpt(`Inspectors found ${'very '.repeat(80)}poor conditions.`, 220), topics: ['prisons'],
      when: ukWhen(new Date('2026-03-02T09:15:00Z')) }],
    releases: [],
    topicNames: new Map([['prisons', 'Prisons']]),
  });
  return { site: 'Napo', since: new Date('2026-03-01T08:00:00Z'), frequencyTitle: 'Daily news digest', frequencyLabel: 'daily', topicNames: ['Prisons'],
    groupNames: ['Prisons'], content, preferencesUrl: 'http://x/subscription/t', unsubscribeUrl: 'http://x/unsubscribe/u' };
};

describe('digest email', () => {
  it('escapes feed text in HTML, keeps it plain in text, and cuts long excerpts', () => {
    const m = renderEmail('digests/digest', ctx());
    expect(m.subject).toBe('Daily news digest: 1 justice story on Prisons');
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('Riot at &lt;script&gt;');
    expect(m.html).toContain('href="https://example.org/a?b&#x3D;1&amp;c&#x3D;2"');
    expect(m.html).toContain('BBC &lt;News&gt; +2 more sources');
    expect(m.text).toContain('Riot at <script>alert(1)</script> & HMP "Bedford"');
    expect(m.text).toMatch(/09:15, Monday,? 2 March 2026/);
    expect(m.text).toMatch(/very…\n/);
    expect(m.text).not.toContain('poor conditions');
    expect(m.text).toContain('Unsubscribe: http://x/unsubscribe/u');
  });
});
