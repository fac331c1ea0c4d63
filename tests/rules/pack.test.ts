// The shipped UK-justice pack: loads cleanly with exactly the rubric's topic ids, tags self-written examples
// the way the rubric says, and keeps a floor on the labelled dev set when ../shared is present.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tag } from '../../src/pipeline/tag.ts';
import { compileRules } from '../../src/rules/compile.ts';
import { shippedRulePack } from '../../src/rules/pack.ts';
import { loadRuleSet } from '../../src/rules/ruleset.ts';

const { ruleSet, problems } = loadRuleSet(shippedRulePack(), 'uk-justice.yaml');
const m = compileRules(ruleSet);
const topics = (title: string, summary = '', url = 'https://news.test/uk/1') => tag(m, { id: 'x', title, summary, url }).topics;

describe('shipped pack', () => {
  it('loads without problems and has exactly the rubric topic ids', () => {
    expect(problems).toEqual([]);
    expect(ruleSet.topics.map((t) => t.id)).toEqual(['probation', 'prisons', 'courts', 'parole', 'youth-justice', 'family-courts', 'workforce']);
  });

  // Written for these tests in the rubric's terms; not taken from any feed.
  it.each([
    ['Probation service failed to assess risk before attack, inspectors find', 'probation'],
    ['Overcrowding at HMP Example reaches record level', 'prisons'],
    ['Crown court backlog grows as trials wait two years', 'courts'],
    ['Parole Board refuses release of man who killed two', 'parole'],
    ['Children held in youth custody for longer, report says', 'youth-justice'],
    ['Cafcass caseloads rise as family court delays deepen', 'family-courts'],
    ['Napo members vote for industrial action over workloads', 'workforce'],
    ['Ministry of Justice civil servants describe a culture of fear at the department', 'workforce'],
    ['Serco loses prisoner escort contract after string of failures', 'prisons'],
    ['Man who killed while on probation was wrongly assessed as low risk, review finds', 'probation'],
    ['Inspectors find violence rising at young offender institution', 'youth-justice'],
    ['Killers who murder partners will lose parental rights under new law', 'family-courts'],
  ])('%s -> %s', (title, topic) => expect(topics(title)).toContain(topic));

  it.each([
    ['Man jailed for six years for burglary spree', 'a routine court report'],
    ['Texas man sentenced to five years probation for fraud', 'US probation'],
    ['New starters must pass a six-month probation period at the firm', 'job probation'],
    ['Driver in fatal crash was on probation and had a long rap sheet', 'US story without a US place name'],
    ['Woman held without bond after mugshot goes viral; she is on probation for theft', 'US story without a US place name'],
    ['Striker scores twice as champions win again', 'sport'],
    ['Council approves new car park', 'nothing to do with justice'],
    ['Gunman sentenced to life without parole for shopping mall attack', 'US: life without parole'],
    ['Singer avoids jail after probation violation hearing in Los Angeles', 'US probation'],
    ['Police recruits leave during probation in record numbers', 'police probation period'],
    ['Officer will serve nine months for sex assault at party', 'a sentencing report quoting what the defendant told a probation officer'],
    ['Teenager sentenced to 18 months in a young offender institution for robbery', 'one offender sent to a YOI'],
    ['Fraudster received £90,000 in legal aid during his trial', 'one case\'s legal aid bill'],
    ['Those locked up this week include a burglar and a drug dealer', 'a weekly round-up of sentences'],
  ])('%s is not relevant (%s)', (title) => expect(topics(title)).toEqual([]));

  it('does not count probation quoted in passing in a sentencing report, but does when probation failed', () => {
    expect(topics('Officer will serve nine months for sex assault at party', 'He showed no remorse, telling a probation worker he did not need to assault her.')).toEqual([]);
    expect(topics('Killer told probation officer he wanted to hurt someone but risk was never reviewed', 'Probation failings are examined at the inquest.')).toContain('probation');
  });

  it('keeps culture and lifestyle sections out, like sport', () => {
    expect(topics('Drama review: prison officers and the violence on the wing', '', 'https://www.theguardian.com/tv-and-radio/2024/jan/01/prison-drama')).toEqual([]);
    expect(topics('Drama review: prison officers and the violence on the wing', '', 'https://www.theguardian.com/uk-news/2024/jan/01/prison-drama')).not.toEqual([]);
  });

  it('counts an HMPPS mention for prisons, not probation, unless probation itself is the subject', () => {
    expect(topics('Man escapes from jail', 'HM Prison and Probation Service said the prison was searched overnight.')).not.toContain('probation');
    expect(topics('HMPPS staff told to use new pronoun guidance', 'An HMPPS spokesperson said the guidance applied across the department.')).not.toContain('probation');
    expect(topics('Probation caseloads at record high', 'HM Prison and Probation Service admits probation officers are stretched.')).toContain('probation');
    expect(topics('Ex-offenders to mentor people under supervision', 'HM Prison and Probation Service will fund peer mentors for people under probation supervision.')).toContain('probation');
  });

  it('does not give probation for a minister merely talking about offenders', () => {
    expect(topics('Parole Board asked to look again at release', 'The justice secretary says dangerous offenders must stay behind bars.')).not.toContain('probation');
    expect(topics('Justice secretary wants more offenders rehabilitated in the community')).toContain('probation');
  });

  it('keeps Scottish and Northern Irish justice, which uses words the US filter looks for', () => {
    const body = 'The case at Glasgow Sheriff Court exposed delays; the procurator fiscal said prison overcrowding played a part.';
    expect(topics('Sheriff criticises prison overcrowding as remand numbers soar', body)).toContain('prisons');
    expect(topics('Sheriff criticises jail overcrowding as inmates wait for trial', 'The county sheriff said the jail was over capacity.')).toEqual([]);
  });

  it('treats new rules on cautions as sentencing policy', () => {
    expect(topics('Repeat offenders to lose access to cautions under new rules')).toContain('courts');
  });

  it('treats a release from a UK prison in the headline as release news, but not a release abroad', () => {
    expect(topics('Notorious sex offender freed from prison after serving half his sentence')).toContain('parole');
    expect(topics('Actor released early from prison in Texas after fraud conviction')).toEqual([]);
    expect(topics('Influencer released from jail in Romania and placed under house arrest')).toEqual([]);
  });

  it('keeps immigration detention out unless prisons or offenders are the subject', () => {
    expect(topics('Deaths at immigration removal centre prompt calls for inquiry', 'The chief inspector of prisons found detainees at the removal centre were held in poor conditions.')).toEqual([]);
    expect(topics('Foreign prisoners held in immigration detention after their sentences end', 'HMPPS says prison places are being used for foreign national offenders awaiting deportation.')).toContain('prisons');
  });

  it('counts legal aid as courts policy only when legal aid itself is the subject', () => {
    expect(topics('Legal aid deserts leave tenants without advice')).toContain('courts');
    expect(topics('Solicitors warn of collapse', 'Firms say legal aid rates have not risen for 25 years.')).toContain('courts');
    expect(topics('Climate protesters face injunctions from energy firms', 'Activists, who could not get legal aid, were ordered to pay costs.')).toEqual([]);
  });

  it('gives staff shortages at a named prison to workforce as well as prisons', () => {
    expect(topics('HMP Example declared unsafe', 'Inspectors found HMP Example had severe staff shortages.')).toEqual(expect.arrayContaining(['prisons', 'workforce']));
    expect(topics('Man cleared of threatening staff at HMP Example')).not.toContain('workforce');
  });

  it('gives child custody disputes to family courts, not youth justice', () => {
    const t = topics('Mother refused help to enforce child custody agreement against abusive ex');
    expect(t).toContain('family-courts');
    expect(t).not.toContain('youth-justice');
    expect(topics('Separating couples to face mandatory mediation before going to court')).toContain('family-courts');
    expect(topics('Record number of children held in youth custody')).toContain('youth-justice');
  });

  it('counts missed probation appointments and breached community orders as probation', () => {
    expect(topics('Killer had missed two probation appointments before the attack')).toContain('probation');
    expect(topics('Warrant issued for man who failed to do his community service', 'He completed 20 of 200 hours.')).toContain('probation');
  });

  it('counts a change of justice secretary as justice news', () => {
    expect(topics('What could change at the MoJ now its secretary of state has left?', 'The former justice secretary\'s departure leaves several reforms in doubt.')).not.toEqual([]);
    expect(topics('Health secretary resigns after row over hospital waiting lists')).toEqual([]);
  });

  it('gives one prisoner\'s parole decision to parole, not prisons', () => {
    const t = topics('Notorious prisoner makes latest bid for freedom at parole hearing', 'He has spent 48 years in prison.');
    expect(t).toContain('parole');
    expect(t).not.toContain('prisons');
    expect(topics('Parole Board delays as prison overcrowding worsens')).toEqual(expect.arrayContaining(['parole', 'prisons']));
  });

  it('gives a barristers\' strike to courts, not workforce', () => {
    expect(topics('Criminal barristers strike over legal aid fees')).toEqual(['courts']);
  });
});

const dev = new URL('../../../shared/eval/dev.jsonl', import.meta.url);
describe.skipIf(!existsSync(dev))('shipped pack on ../shared/eval/dev.jsonl', () => {
  it('keeps F1 on `relevant` above a floor (the bench reports the exact figures)', () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const line of readFileSync(dev, 'utf8').trim().split('\n')) {
      const o = JSON.parse(line);
      const pred = tag(m, { id: o.id, title: o.title, summary: o.summary, url: o.link, source: o.source }).relevant;
      if (pred && o.relevant) tp++;
      else if (pred) fp++;
      else if (o.relevant) fn++;
    }
    const f1 = (2 * tp) / (2 * tp + fp + fn);
    expect(f1).toBeGreaterThan(0.888);
  });
});
