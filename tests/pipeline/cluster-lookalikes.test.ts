// Look-alikes and rewrites on a general news day, written for these tests (no publisher's text): roundups
// and service pieces that share a story's words must not join or bridge stories; one event worded differently
// by different outlets, or by one outlet's report and clip, must make one story; one person's two
// announcements, or two items sharing only a section's boilerplate, must not.
import { describe, expect, it } from 'vitest';
import type { ItemText } from '../../src/domain/types.ts';
import { clusterBatch, signature } from '../../src/pipeline/cluster.ts';
import { similarity } from '../../src/pipeline/cluster/similarity.ts';

let n = 0; // items ten minutes apart, in the order written
const item = (id: string, title: string, summary: string, url?: string): ItemText => ({
  id,
  title,
  summary,
  url: url ?? `https://news.example.org/${id}`,
  published: new Date(Date.parse('2030-03-12T06:00:00Z') + n++ * 600_000).toISOString(),
});

const speech = [
  item('speech-report', "Volkova tells UN Security Council that Moravia's cities lie in ruins",
    'President Irina Volkova of Moravia urged the Security Council in New York to act against the invading army.'),
  item('speech-rewrite', 'Moravian president demands UN action as she describes shelled cities',
    'Irina Volkova addressed the Security Council for the first time since the invasion began, describing destroyed towns.'),
  item('speech-clip', "Volkova's address to the Security Council – video",
    "Moravia's president Irina Volkova speaking to the UN Security Council in New York about the invasion."),
];
const harvest = item('harvest', "Hope for Moravia's wheat harvest as troops pull back from the plains",
  'Farmers in the east of the country expect to sow their fields again this spring.');
const roundups = [
  // A briefing lists the day's headlines: without the rule it joins both stories and merges them.
  item('evening-briefing', "Tuesday evening briefing: Volkova tells UN Moravia's cities lie in ruins, and hope for the wheat harvest",
    "Irina Volkova urged the Security Council in New York to act against the invading army. Hope for Moravia's wheat harvest as troops pull back from the plains: farmers in the east of the country expect to sow their fields again."),
  item('morning-briefing', 'Morning briefing: what Volkova will tell the UN today',
    'Good morning. Irina Volkova addresses the Security Council in New York; Moravia hopes for its harvest.'),
  item('politics-live', 'Politics live: ministers questioned on Moravia after Volkova speech to UN',
    'Rolling coverage: Irina Volkova at the Security Council, the Moravian harvest and questions in the Commons.'),
  item('war-live', 'Moravia war: Volkova addresses UN as farmers return to the fields – live',
    'All the latest on the invasion of Moravia, Irina Volkova at the Security Council and the wheat harvest.',
    'https://news.example.org/world/live/2030/mar/12/moravia-war'),
  item('podcast', 'The invasion of Moravia, one month on – podcast',
    'Our correspondent on Irina Volkova, the Security Council and the Moravian harvest.'),
  item('photos', 'Volkova at the UN and a Moravian wheat field: photos of the day',
    "The picture editors' choice from around the world, including Irina Volkova at the Security Council."),
  item('guide', 'Moravia v Sandland: kick-off time, TV channel and how to watch',
    'Everything you need to know about the Moravia v Sandland qualifier in Kestrel on Saturday.'),
  item('tips', 'Moravia v Sandland tips, odds and best bets',
    'Our tipster previews the Moravia v Sandland qualifier in Kestrel on Saturday.'),
];
const stabbing = [
  item('stabbing-report', 'Northbridge prison officer stabbed by inmate during cell search',
    "An officer at HMP Northbridge was taken to hospital after being stabbed with an improvised weapon during a search, the Prison Officers' Association said."),
  item('stabbing-rewrite', 'Officer stabbed at HMP Northbridge as union warns of rising attacks',
    'The POA said its member was stabbed by a prisoner at the Northbridge jail on Tuesday morning and needed hospital treatment.'),
];
const sentence = [
  item('fraud-report', 'Judge jails Kestrel Bank fraudster Amir Dalton for nine years',
    'Former Kestrel Bank director Amir Dalton was sentenced at Southwark Crown Court for a £40m fraud on savers.'),
  item('fraud-clip', 'Moment Amir Dalton is led away after nine-year sentence – video',
    'Footage shows the former Kestrel Bank director leaving Southwark Crown Court after the fraud sentence.'),
];
const announcements = [
  item('wings', 'Justice Secretary Rhona Blake announces twelve new prison wings',
    'Rhona Blake said the extra 4,000 places would be built by 2032 on existing prison sites.'),
  item('police', 'Rhona Blake defends police chief over stop and search figures',
    'The Justice Secretary backed the commissioner of the Metro force during questions in the Commons.'),
];
const boilerplate = [
  item('grain-ships', 'Grain ships leave Portvale under naval escort',
    'Three bulk carriers left the port at dawn with wheat for Africa. Moravia war: latest updates Continue reading...'),
  item('bank-sanctions', "Sanctions on Sandland's banks widened by European ministers",
    'Ministers agreed to freeze the assets of four more lenders. Moravia war: latest updates Continue reading...'),
];
const sanctions = [
  item('us-sanctions', 'US to announce fresh sanctions including ban on Sandland oil',
    'Washington will also target officials in Kestrel over the invasion of Moravia.'),
  item('eu-sanctions', 'EU to propose fresh sanctions including ban on Sandland coal',
    'The European Commission wants all member states to agree the package by Friday.'),
];

const day = [...speech, harvest, ...roundups, ...stabbing, ...sentence, ...announcements, ...boilerplate, ...sanctions];
const got = clusterBatch(day);
const together = (ids: string[]) => new Set(ids.map((id) => got.get(id))).size === 1;
const storyOf = (id: string) => [...got].filter(([, s]) => s === got.get(id)).map(([i]) => i);

describe('clusterBatch on a general news day', () => {
  it('keeps briefings, live pages, podcasts, photos of the day and service pieces each in a story of its own', () => {
    for (const r of roundups) expect(storyOf(r.id!), r.id).toEqual([r.id]);
  });

  it('does not let a roundup that names two stories bridge them', () => {
    expect(together(speech.map((i) => i.id))).toBe(true);
    expect(storyOf(harvest.id)).toEqual([harvest.id]);
  });

  it('files one event worded differently by two outlets, and one outlet\'s report and clip, as one story', () => {
    expect(together(speech.map((i) => i.id))).toBe(true);
    expect(together(stabbing.map((i) => i.id))).toBe(true);
    expect(together(sentence.map((i) => i.id))).toBe(true);
  });

  it('keeps apart one person\'s two announcements, two items sharing only boilerplate, US and EU sanctions', () => {
    for (const pair of [announcements, boilerplate, sanctions]) expect(together(pair.map((i) => i.id)), pair[0]!.id).toBe(false);
  });

  it('is the same whichever way round the items come', () => {
    const reversed = clusterBatch([...day].reverse());
    const groups = (m: Map<string, string>) => new Set([...m].map(([, s]) => [...m].filter(([, t]) => t === s).map(([i]) => i).sort().join(',')));
    expect(groups(reversed)).toEqual(groups(got));
  });
});

describe('similarity', () => {
  it('meets "resigns" and "resignation", and three spellings of one transliterated name (stems)', () => {
    const a = signature({ title: 'Home Secretary Ana Petrov resigns over leaked emails', summary: 'Ana Petrov said she would stand down.' });
    const b = signature({ title: 'Ana Petrov resignation follows email leak', summary: 'The home secretary quit on Friday.' });
    expect(a.title).toContain('resign');
    expect(b.title).toContain('resign');
    const names = ['Zelenskiy', 'Zelenskyy', 'Zelensky'].map((n) => signature({ title: `${n} speaks`, summary: `Then ${n} spoke.` }).names);
    expect(names).toEqual([['zelenski'], ['zelenski'], ['zelenski']]);
  });

  it('discounts two items that share who and where but no word of what happened', () => {
    const [wings, police] = announcements.map((i) => signature(i));
    const s = similarity(wings!, police!);
    expect(s.what).toBe(false);
    expect(s.score).toBeLessThan(0.25);
  });
});
