// Everything the press office's release page shows: the release, its delivery counts, and each recipient's
// delivery (failed first, with the server's reason).
import type { Release } from '../domain/releases.ts';
import type { Db } from '../storage/db.ts';
import { type DeliveryCounts, type DeliveryListEntry, countDeliveries, listDeliveries } from '../storage/deliveries.ts';
import { getRelease } from '../storage/releases.ts';

export interface ReleaseView {
  release: Release;
  counts: DeliveryCounts;
  deliveries: DeliveryListEntry[];
}

export async function showRelease(deps: { db: Db }, id: number): Promise<ReleaseView | undefined> {
  const release = await getRelease(deps.db, id);
  if (!release) return undefined;
  const [counts, deliveries] = await Promise.all([countDeliveries(deps.db, id), listDeliveries(deps.db, id, { limit: 1000 })]);
  return { release, counts, deliveries };
}
