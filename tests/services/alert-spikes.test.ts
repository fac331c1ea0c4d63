import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertSpikes } from '../../src/services/alert-spikes.ts';
import { createUser } from '../../src/storage/users.ts';
import { backends, type TestDb } from '../helpers/db.ts';
import { seedStory } from '../helpers/drafts.ts';
import { type TestRuntime, testRuntime } from '../helpers/ingest.ts';

const H = 3_600_000;

for (const b of backends()) {
  describe.skipIf(!b.available)(`spike alerts (${b.name})`, () => {
    let t: TestDb;
    let rt: TestRuntime;
    beforeAll(async () => {
      t = await b.open();
      rt = testRuntime(t.db);
      await createUser(t.db, { email: 'po@union.example', roles: ['press_officer'] });
      await createUser(t.db, { email: 'ed@union.example', roles: ['editor'] });
      const now = rt.now().getTime();
      const towns = ['Leeds', 'Hull', 'Bristol', 'Cardiff', 'Exeter', 'Norwich'];
      for (const [i, town] of towns.entries()) {
        await seedStory(t.db, { title: `Parole hearing <i>${town}</i> case ${i}`, topic: 'parole', term: 'parole', at: new Date(now - (i + 1) * H), sourceUrl: `https://n${i}.example/feed` });
      }
    });
    afterAll(async () => {
      await rt?.close();
      await t?.close();
    });

    it('emails press officers once per spiking topic per UK day, retrying a failed send', async () => {
      const send = rt.mailer.send;
      rt.mailer.send = async () => {
        throw new Error('smtp: 421 try later');
      };
      await expect(alertSpikes(rt)).rejects.toThrow('421');
      rt.mailer.send = send;
      expect(rt.sent).toHaveLength(0);
      expect(await alertSpikes(rt)).toEqual({ sent: ['parole'] });
      expect(rt.sent).toHaveLength(1);
      expect(rt.sent[0]).toMatchObject({ to: ['po@union.example'], subject: 'pressdesk: Parole and release is spiking — 6 items in 24 hours' });
      expect(rt.sent[0]!.html).toContain('&lt;i&gt;');
      expect(rt.sent[0]!.text).toContain('http://127.0.0.1:9/trends#topic-parole');
      expect(await alertSpikes(rt)).toEqual({ sent: [] });
      expect(rt.sent).toHaveLength(1);
    });

    it('sends nothing when SPIKE_ALERTS is off', async () => {
      const off = testRuntime(t.db, { SPIKE_ALERTS: 'false' });
      try {
        await t.db.query('DELETE FROM spike_alerts');
        expect(await alertSpikes(off)).toEqual({ sent: [] });
        expect(off.sent).toHaveLength(0);
      } finally {
        await off.close();
      }
    });
  });
}
