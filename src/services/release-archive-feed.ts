// The public archive's Atom feed (/releases.atom): the latest sent releases past their embargo.
import type { Config } from '../config.ts';
import { releaseFeed } from '../pipeline/release-feed.ts';
import type { Db } from '../storage/db.ts';
import { getUnionSetting } from '../storage/drafts.ts';
import { listPublicReleases } from '../storage/releases.ts';

export async function releaseArchiveFeed(deps: { db: Db; config: Pick<Config, 'publicUrl'>; now: () => Date }): Promise<string> {
  const now = deps.now();
  const [releases, union] = await Promise.all([listPublicReleases(deps.db, now, { limit: 50 }), getUnionSetting(deps.db)]);
  const name = typeof union?.name === 'string' && union.name ? union.name : 'pressdesk';
  return releaseFeed({
    title: `${name}: press releases`,
    siteUrl: `${deps.config.publicUrl}/releases`,
    selfUrl: `${deps.config.publicUrl}/releases.atom`,
    author: name,
    releases: releases.map((r) => ({ slug: r.slug, subject: r.subject, html: r.html, text: r.text, sentAt: r.sentAt ?? r.createdAt })),
    now,
  });
}
