// The story page's feedback buttons show the verdict already given: the viewer's own as the pressed button,
// someone else's as a note naming them. Recording goes through POST /feedback as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFeedback } from '../../src/storage/feedback.ts';
import { seedStory } from '../helpers/drafts.ts';
import { FORM, HTML, type TestApp, csrfFrom, form, startTestApp } from './app.ts';

describe('feedback buttons on the story page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('presses the button of the verdict the viewer gave, and names whoever else gave one', async () => {
    const storyId = await seedStory(t.db, { title: 'Probation caseloads rise again' });
    const [row] = await t.db.query<{ id: number }>('SELECT id FROM items WHERE story_id = $1', [storyId]);
    const itemId = row!.id;
    const po = await t.login(['press_officer'], 'pat@example.org');
    const other = await t.login(['editor'], 'eve@example.org');
    const buttons = async (cookie: string) => {
      const html = (await t.app.inject({ url: `/stories/${storyId}`, headers: { ...HTML, cookie } })).body;
      const pressed = (v: string) => new RegExp(`value="${v}" class="secondary verdict" aria-pressed="(true|false)"`).exec(html)?.[1];
      return { relevant: pressed('relevant'), notRelevant: pressed('not_relevant'), note: /<small class="verdict-note">([^<]+)</.exec(html)?.[1], html };
    };

    expect(await buttons(po.cookie)).toMatchObject({ relevant: 'false', notRelevant: 'false', note: undefined });

    await recordFeedback(t.db, { itemIds: [itemId], userId: other.user.id, relevant: false, via: 'web', now: t.clock.now });
    expect(await buttons(po.cookie)).toMatchObject({ relevant: 'false', notRelevant: 'false', note: 'Marked not relevant by eve@example.org.' });

    const page = await t.app.inject({ url: `/stories/${storyId}`, headers: { ...HTML, cookie: po.cookie } });
    const sent = await t.app.inject({
      method: 'POST',
      url: '/feedback',
      headers: { ...HTML, ...FORM, cookie: po.cookie },
      body: form({ _csrf: csrfFrom(page), item: String(itemId), verdict: 'relevant', next: `/stories/${storyId}` }),
    });
    expect(sent.statusCode).toBe(303);
    expect(await buttons(po.cookie)).toMatchObject({ relevant: 'true', notRelevant: 'false', note: 'You marked this relevant.' });
    // Each person sees their own.
    expect(await buttons(other.cookie)).toMatchObject({ relevant: 'false', notRelevant: 'true', note: 'You marked this not relevant.' });
  });
});
