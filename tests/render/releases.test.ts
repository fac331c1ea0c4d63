import { describe, expect, it } from 'vitest';
import { DEFAULT_UNION, pickTemplate, releaseText, renderDraft, type DraftItem } from '../../src/pipeline/draft.ts';
import { excerpt, keySentences, listOf, quoteLine } from '../../src/render/helpers.ts';
import { compile, renderEmail } from '../../src/render/index.ts';
import { compileReleaseTemplate, loadReleaseTemplates } from '../../src/render/releases.ts';

const item = (over: Partial<DraftItem> = {}): DraftItem => ({
  title: 'OMiC goes live in open prisons <script>alert(1)</script>',
  url: 'https://www.gov.uk/government/news/omic',
  source: 'HM Prison and Probation Service (GOV.UK)',
  sourceUrl: 'https://www.gov.uk/government/organisations/hmpps.atom',
  sourceCategory: null,
  summaryHtml: '<p>The offender management in custody model goes live in open prisons today. Probation officers will hold cases from release planning onwards. Ministers welcomed it.</p>',
  bodyText: null,
  time: new Date('2026-07-01T08:00:00Z'),
  matches: [{ topic: 'probation', matches: [{ field: 'summary', start: 0, end: 9, text: 'Probation' }] }],
  ...over,
});
const templates = loadReleaseTemplates();

describe('release templates', () => {
  it('ships the four templates, each with its front matter', () => {
    expect([...templates.keys()].sort()).toEqual(['campaign-statement', 'government-announcement', 'inspectorate-report', 'serious-further-offence']);
    for (const t of templates.values()) {
      expect(t.title).not.toBe('');
      expect(t.when.length).toBeGreaterThan(40);
      expect(t.subject).toContain('{{');
    }
  });

  it('picks by keywords, then source kind, then topic', () => {
    const all = [...templates.values()];
    expect(pickTemplate(all, { topic: 'probation', items: [item()] }).name).toBe('government-announcement');
    const insp = item({ sourceUrl: 'https://www.justiceinspectorates.gov.uk/hmiprobation/feed/', title: 'Inspection of Leeds probation', summaryHtml: '<p>Rated requires improvement.</p>' });
    expect(pickTemplate(all, { topic: 'probation', items: [insp] }).name).toBe('inspectorate-report');
    const sfo = item({ sourceUrl: 'https://www.bbc.co.uk/news/rss.xml', title: 'Man under probation supervision charged', summaryHtml: '<p>A serious further offence review has begun.</p>' });
    expect(pickTemplate(all, { topic: 'probation', items: [sfo] }).name).toBe('serious-further-offence');
    const pay = item({ sourceUrl: 'https://www.napo.org.uk/news', title: 'Probation staff vote on industrial action over pay', summaryHtml: '' });
    expect(pickTemplate(all, { topic: 'workforce', items: [pay] }).name).toBe('campaign-statement');
  });

  it('renders every template with a script in the story title escaped, and the lines to take in it', () => {
    const lines = { topic: 'probation', version: 3, position: 'Caseloads must come down & stay down.', quotes: [{ speaker: 'Sam Example', role: 'General Secretary', text: 'Staff deserve better.' }], createdBy: null, createdAt: new Date() };
    for (const template of templates.values()) {
      const r = renderDraft({ story: { id: 1, headline: item().title, topics: ['probation'], firstSeen: new Date('2026-07-01T08:00:00Z') }, items: [item()], topic: 'probation', template, lines, union: DEFAULT_UNION, now: new Date('2026-07-01T09:00:00Z') });
      expect(r.html, template.name).not.toContain('<script>');
      expect(r.html, template.name).toContain('&lt;script&gt;');
      expect(r.html).toContain('Caseloads must come down &amp; stay down.');
      expect(r.html).toContain('“Staff deserve better,” said Sam Example, General Secretary.');
      expect(r.html).toContain('About Napo');
      expect(r.html).toContain('Wednesday, 1 July 2026');
      expect(r.text).toContain('Caseloads must come down & stay down.');
      expect(r.text).not.toMatch(/<\/?p>/);
      expect(r.subject.length).toBeGreaterThan(10);
    }
  });

  it('quotes the sentences that hold the matched terms', () => {
    const r = renderDraft({ story: { id: 1, headline: 'x', topics: ['probation'], firstSeen: new Date() }, items: [item()], topic: 'probation', template: templates.get('government-announcement')!, lines: undefined, union: DEFAULT_UNION, now: new Date() });
    expect(r.html).toContain('<p>Probation officers will hold cases from release planning onwards.</p>');
    expect(r.html).not.toContain('Ministers welcomed it.');
  });
});

describe('compileReleaseTemplate', () => {
  const fm = '---\nname: t\nsubject: "Hello {{story.headline}}"\n---\n';
  it('accepts a good template', () => {
    const r = compileReleaseTemplate(`${fm}<p>{{story.headline}}</p>\n{{> releases/about-union}}`);
    expect(r.ok).toBe(true);
  });
  it('refuses a template that does not parse, with line and column in the file', () => {
    const r = compileReleaseTemplate(`${fm}<p>one</p>\n<p>{{story.headline</p>`);
    expect(r).toMatchObject({ ok: false, problems: [{ line: 6 }] });
    const mismatched = compileReleaseTemplate(`${fm}<p>one</p>\n{{#if a}}\n{{/each}}`);
    expect(mismatched).toMatchObject({ ok: false, problems: [{ line: 6, message: expect.stringMatching(/if doesn't match each/) }] });
  });
  it('refuses unknown helpers and partials, with their positions', () => {
    expect(compileReleaseTemplate(`${fm}<p>x</p>\n  {{shout story.headline}}`)).toMatchObject({ ok: false, problems: [{ line: 6, col: 3, message: 'unknown helper shout' }] });
    expect(compileReleaseTemplate(`${fm}{{> releases/nope}}`)).toMatchObject({ ok: false, problems: [{ line: 5, col: 1, message: 'unknown partial "releases/nope"' }] });
    expect(compileReleaseTemplate('---\nsubject: "{{lookup a}} {{evil x}}"\n---\nok')).toMatchObject({ ok: false, problems: [{ line: 2, message: 'subject: unknown helper evil' }] });
  });
  it('refuses a template without front matter or subject', () => {
    expect(compileReleaseTemplate('<p>hi</p>')).toMatchObject({ ok: false, problems: [{ line: 1, col: 1 }] });
    expect(compileReleaseTemplate('---\nname: x\n---\nhi')).toMatchObject({ ok: false });
  });
});

describe('the Handlebars environment', () => {
  it('escapes by default and gives templates no prototype access', () => {
    const t = compile('{{title}}|{{constructor.name}}|{{a.__proto__.x}}|{{toString}}|{{a.constructor.constructor}}');
    const out = t({ title: '<b>x</b>', a: {} });
    expect(out).toBe('&lt;b&gt;x&lt;/b&gt;||||');
  });
  it('refuses unknown helpers at compile time', () => {
    expect(() => compile('{{nope 1}}')({})).toThrow(/unknown helper nope/);
  });
  it('has the release helpers', () => {
    expect(excerpt('one two three four five', 12)).toBe('one two…');
    expect(keySentences('The OMiC model starts. Nothing else. Probation is ready!', ['omic', 'probation'])).toEqual(['The OMiC model starts.', 'Probation is ready!']);
    expect(keySentences('Probationary period.', ['probation'])).toEqual([]);
    expect(listOf(['a', 'b', 'c'])).toBe('a, b and c');
    expect(quoteLine({ text: 'No.', speaker: 'A' })).toBe('“No,” said A.');
    expect(compile('{{ukDate d}} {{ukTime d}} {{list xs}}')({ d: new Date('2026-01-15T18:05:00Z'), xs: ['x', '<y>'] })).toBe('Thursday, 15 January 2026 18:05 x and &lt;y&gt;');
  });
  it('renders the approval email with the draft, the story escaped, and the four buttons', () => {
    const mail = renderEmail('approval', {
      kind: 'approval', recipient: { email: 'po@example.org' }, topic: 'probation',
      draft: { id: 4, version: 2, subject: 'Napo responds: <script>', html: '<p>Body &amp; more</p>', text: 'Body & more' },
      deadlineAt: new Date(), linksExpireAt: new Date(),
      links: { approve: 'http://x/a', requestChanges: 'http://x/c', reject: 'http://x/r', edit: 'http://x/e' },
      story: { headline: 'Title <script>alert(1)</script>', url: null, firstSeen: new Date(), items: [{ source: 'GOV.UK', title: '<img src=x onerror=alert(1)>', url: 'https://gov.uk/a' }] },
    });
    expect(mail.subject).toBe('Approve draft #4: Napo responds: <script>');
    expect(mail.html).not.toMatch(/<script|<img/);
    expect(mail.html).toContain('Title &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).toContain('<p>Body &amp; more</p>');
    for (const label of ['Approve', 'Request changes', 'Reject', 'Edit']) expect(mail.html).toContain(`>${label}</a>`);
    expect(mail.text).toContain('Body & more');
    expect(mail.text).toContain('Approve:          http://x/a');
  });
  it('releaseText keeps paragraphs and list items', () => {
    expect(releaseText('<h1>T</h1><p>a &amp; b</p><ul><li>x</li><li>y</li></ul>')).toBe('T\n\na & b\n\n- x\n- y');
  });
});
