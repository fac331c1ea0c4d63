// subscribers-export: campaigners' subscriptions -> CSV for the press office (email, status, frequency,
// topics separated by ';', and the times in ISO 8601). Cells are written by csv.ts: an address typed into the
// public form cannot run as a spreadsheet formula.
import type { Subscriber } from '../domain/digests.ts';
import { csvLines } from './csv.ts';

export function subscribersCsv(subscribers: readonly Subscriber[]): string {
  return csvLines(
    ['email', 'status', 'frequency', 'topics', 'created_at', 'confirmed_at', 'unsubscribed_at'],
    subscribers.map((s) => [s.email, s.status, s.frequency, s.topics.join(';'), s.createdAt, s.confirmedAt, s.unsubscribedAt]),
  );
}
