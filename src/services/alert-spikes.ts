// Emails press officers when a topic spikes (pipeline/spikes.ts): once per topic per UK day, with the topic's
// trend and today's stories. SPIKE_ALERTS=false turns it off. A failed send releases the day's claim, so the
// next run (every 15 minutes) tries again; nothing is marked sent that was not.
import { findSpikes } from '../pipeline/spikes.ts';
import { ukDayKey } from '../pipeline/uk-clock.ts';
import { renderTemplate } from '../render/index.ts';
import { claimSpikeAlerts, pressOfficerEmails, relevantStoriesSince, releaseSpikeAlert, topicHourCounts } from '../storage/desk.ts';
import { activeRules } from './active-rules.ts';
import type { Deps } from './deps.ts';

const DAY = 86_400_000;

export async function alertSpikes(deps: Pick<Deps, 'db' | 'mailer' | 'now' | 'config'>): Promise<{ sent: string[] }> {
  if (!deps.config.spikeAlerts) return { sent: [] };
  const now = deps.now();
  const topics = (await activeRules(deps.db)).ruleSet.topics;
  const spikes = findSpikes(await topicHourCounts(deps.db, new Date(now.getTime() - 15 * DAY), now), topics.map((t) => t.id), now);
  if (!spikes.length) return { sent: [] };
  const to = await pressOfficerEmails(deps.db);
  if (!to.length) return { sent: [] };
  const day = ukDayKey(now);
  const claimed = new Set(await claimSpikeAlerts(deps.db, day, spikes, now));
  const stories = await relevantStoriesSince(deps.db, new Date(now.getTime() - DAY), 200);
  const sent: string[] = [];
  for (const s of spikes.filter((x) => claimed.has(x.topic))) {
    const name = topics.find((t) => t.id === s.topic)?.name ?? s.topic;
    const ctx = {
      spike: s,
      name,
      stories: stories.filter((x) => x.topics.includes(s.topic)).slice(0, 8).map((x) => ({ ...x, url: `${deps.config.publicUrl}/stories/${x.id}` })),
      trendsUrl: `${deps.config.publicUrl}/trends#topic-${s.topic}`,
    };
    try {
      await deps.mailer.send({
        to,
        subject: renderTemplate('emails/spike.subject', ctx).trim(),
        text: renderTemplate('emails/spike.text', ctx),
        html: renderTemplate('emails/spike.html', ctx),
      });
      sent.push(s.topic);
    } catch (err) {
      await releaseSpikeAlert(deps.db, day, s.topic);
      throw err;
    }
  }
  return { sent };
}
