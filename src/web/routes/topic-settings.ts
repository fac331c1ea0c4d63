// Editors' settings per topic: the lines to take (position and quotes, every save a new version), the draft
// policy (when a story gets a draft, how fast it must be decided) and what the relevance model may do (rules
// only, suggest, apply). Also the duty rota (press officers): who gets the approval emails when, in UK local
// time.
import type { FastifyInstance } from 'fastify';
import { type DraftPolicy, type Quote, SOURCE_CATEGORIES, type SourceCategory } from '../../domain/drafts.ts';
import { DEFAULT_MODE, TOPIC_MODES, type TopicMode } from '../../domain/relevance.ts';
import { audit } from '../../storage/audit.ts';
import { loadReleaseTemplates } from '../../render/releases.ts';
import { getDraftPolicy, saveDraftPolicy } from '../../storage/draft-policies.ts';
import { addRotaSlot, listPressOfficers, listRota, removeRotaSlot } from '../../storage/duty-rota.ts';
import { getLinesToTake, listLinesVersions, saveLinesToTake } from '../../storage/lines-to-take.ts';
import { relevanceState, setTopicMode } from '../../storage/relevance.ts';
import { sendError } from '../errors.ts';
import { field, fields, safeNext } from '../form.ts';
import { flash, sendPage } from '../page.ts';
import type { WebDeps } from '../server.ts';

const editor = { config: { auth: 'editor' as const } };
const officer = { config: { auth: 'press_officer' as const } };
type P = { Params: { id: string } };

const TOPIC = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const hhmm = (m: number | null) => (m === null ? '' : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);

/** "HH:MM" → minutes of the day; '' → null; anything else → undefined. "24:00" is allowed as an end. */
function minutes(s: string): number | null | undefined {
  if (!s) return null;
  const m = /^(\d{1,2}):(\d{2})$/.exec(s);
  if (!m) return undefined;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return Number(m[2]) < 60 && v <= 24 * 60 ? v : undefined;
}

const int = (s: string, min: number, max: number) => {
  const n = Number(s);
  return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
};

/** The policy form as a policy, or the problems to show. */
export function policyFromForm(topic: string, body: unknown, templates: readonly string[]): { policy: DraftPolicy } | { problems: string[] } {
  const problems: string[] = [];
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) problems.push(what);
    return v as T;
  };
  const quietStart = need(minutes(field(body, 'quietStart')), 'Quiet hours start: write a time like 22:00, or leave it empty.');
  const quietEnd = need(minutes(field(body, 'quietEnd')), 'Quiet hours end: write a time like 07:00, or leave it empty.');
  if ((quietStart === null) !== (quietEnd === null)) problems.push('Quiet hours: give both a start and an end, or neither.');
  const template = field(body, 'template') || null;
  if (template && !templates.includes(template)) problems.push(`Template: no template "${template}".`);
  const kinds = fields(body, 'sourceKinds').filter((k): k is SourceCategory => (SOURCE_CATEGORIES as readonly string[]).includes(k));
  const policy: DraftPolicy = {
    topic,
    enabled: field(body, 'enabled') === 'on',
    minSources: need(int(field(body, 'minSources'), 1, 100), 'Minimum sources: a whole number from 1 to 100.'),
    sourceKinds: kinds,
    quietStart,
    quietEnd,
    maxPerHour: need(int(field(body, 'maxPerHour'), 1, 1000), 'Drafts per hour: a whole number from 1 to 1000.'),
    deadlineMinutes: need(int(field(body, 'deadlineMinutes'), 1, 7 * 24 * 60), 'Deadline: minutes, from 1 to 10080.'),
    expireHours: need(int(field(body, 'expireHours'), 1, 24 * 14), 'Expiry: hours, from 1 to 336.'),
    template,
  };
  return problems.length ? { problems } : { policy };
}

/** Quotes from the form: one per line as "Speaker | Role | Text" (role may be empty). */
export function quotesFromForm(text: string): { quotes: Quote[] } | { problem: string } {
  const quotes: Quote[] = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (!line.trim()) continue;
    const parts = line.split('|').map((p) => p.trim());
    if (parts.length !== 3 || !parts[0] || !parts[2]) return { problem: `Quotes, line ${i + 1}: write "Speaker | Role | What they said" (the role may be empty).` };
    quotes.push({ speaker: parts[0], ...(parts[1] ? { role: parts[1] } : {}), text: parts[2] });
  }
  return { quotes };
}

export async function topicSettingsRoutes(app: FastifyInstance, deps: WebDeps) {
  const { db } = deps;
  const templateNames = () => [...loadReleaseTemplates().keys()];

  const page = async (req: Parameters<typeof sendPage>[0], reply: Parameters<typeof sendPage>[1], topic: string, extra: Record<string, unknown> = {}) => {
    const [lines, versions, policy, relevance] = await Promise.all([getLinesToTake(db, topic), listLinesVersions(db, topic), getDraftPolicy(db, topic), relevanceState(db)]);
    const mode = relevance.modes[topic] ?? DEFAULT_MODE;
    const p = (extra.policy as DraftPolicy | undefined) ?? policy;
    return sendPage(req, reply, 'topic-lines', {
      title: `Lines to take: ${topic}`,
      topic,
      lines: (extra.lines as object | undefined) ?? {
        position: lines?.position ?? '',
        quotes: (lines?.quotes ?? []).map((q) => `${q.speaker} | ${q.role ?? ''} | ${q.text}`).join('\n'),
      },
      versions,
      policy: { ...p, quietStart: hhmm(p.quietStart), quietEnd: hhmm(p.quietEnd) },
      kinds: SOURCE_CATEGORIES.map((k) => ({ value: k, checked: p.sourceKinds.includes(k) })),
      templates: templateNames().map((n) => ({ name: n, selected: n === p.template })),
      modes: TOPIC_MODES.map((m) => ({ value: m, selected: m === mode, label: m === 'rules' ? 'rules only' : m })),
      problems: extra.problems,
    });
  };

  const topicOf = (id: string) => (TOPIC.test(id) ? id : undefined);

  app.get<P>('/topics/:id/lines', editor, async (req, reply) => {
    const topic = topicOf(req.params.id);
    if (!topic) return sendError(req, reply, 404, 'topics: a topic id is lower-case letters, digits, - and _');
    return page(req, reply, topic);
  });

  app.post<P>('/topics/:id/lines', editor, async (req, reply) => {
    const topic = topicOf(req.params.id);
    if (!topic) return sendError(req, reply, 404, 'topics: a topic id is lower-case letters, digits, - and _');
    const position = field(req.body, 'position');
    const q = quotesFromForm(field(req.body, 'quotes', true));
    if ('problem' in q || !position) {
      reply.code(422);
      return page(req, reply, topic, { problems: ['problem' in q ? q.problem : 'Position: say what the union thinks.'], lines: { position, quotes: field(req.body, 'quotes', true) } });
    }
    const saved = await saveLinesToTake(db, { topic, position, quotes: q.quotes, createdBy: req.user!.id, now: app.pd.now() });
    flash(req, 'ok', `Lines to take saved as version ${saved.version}; new drafts on ${topic} use them.`);
    return reply.redirect(`/topics/${topic}/lines`, 303);
  });

  app.post<P>('/topics/:id/policy', editor, async (req, reply) => {
    const topic = topicOf(req.params.id);
    if (!topic) return sendError(req, reply, 404, 'topics: a topic id is lower-case letters, digits, - and _');
    const r = policyFromForm(topic, req.body, templateNames());
    if ('problems' in r) {
      reply.code(422);
      return page(req, reply, topic, { problems: r.problems });
    }
    await saveDraftPolicy(db, r.policy, req.user!.id);
    flash(req, 'ok', `Draft policy for ${topic} saved.`);
    return reply.redirect(`/topics/${topic}/lines#policy-h`, 303);
  });

  app.post<P>('/topics/:id/relevance', editor, async (req, reply) => {
    const topic = topicOf(req.params.id);
    if (!topic) return sendError(req, reply, 404, 'topics: a topic id is lower-case letters, digits, - and _');
    const mode = field(req.body, 'mode');
    if (!(TOPIC_MODES as readonly string[]).includes(mode)) return sendError(req, reply, 400, 'topics: the mode is "rules", "suggest" or "apply"');
    await db.tx(async (t) => {
      await setTopicMode(t, { topic, mode: mode as TopicMode, userId: req.user!.id, now: app.pd.now() });
      await audit(t, { userId: req.user!.id, action: 'relevance.mode_changed', objectType: 'topic', objectId: topic, detail: { mode }, at: app.pd.now() });
    });
    const said = mode === 'rules' ? 'the rules alone decide' : mode === 'suggest' ? "the model's decisions are shown, not applied" : "the model's decisions apply";
    flash(req, 'ok', `${topic}: ${said}, for items tagged from now on.`);
    return reply.redirect(safeNext(field(req.body, 'next') || `/topics/${topic}/lines#relevance-h`), 303);
  });

  // --- the duty rota ---------------------------------------------------------------------------------

  app.get('/drafts/rota', officer, async (req, reply) => {
    const [slots, officers] = await Promise.all([listRota(db), listPressOfficers(db)]);
    const email = new Map(officers.map((o) => [o.id, o.email]));
    return sendPage(req, reply, 'rota', {
      title: 'Duty rota',
      days: WEEKDAYS.map((name, weekday) => ({
        name,
        slots: slots.filter((s) => s.weekday === weekday).map((s) => ({ ...s, email: email.get(s.userId) ?? `user ${s.userId} (not a press officer now)`, from: hhmm(s.startMinute), to: hhmm(s.endMinute) })),
      })),
      officers,
      weekdays: WEEKDAYS.map((name, value) => ({ name, value })),
    });
  });

  app.post('/drafts/rota', officer, async (req, reply) => {
    const userId = int(field(req.body, 'user'), 1, Number.MAX_SAFE_INTEGER);
    const weekday = int(field(req.body, 'weekday'), 0, 6);
    const start = minutes(field(req.body, 'start'));
    const end = minutes(field(req.body, 'end'));
    const officers = await listPressOfficers(db);
    if (!userId || !officers.some((o) => o.id === userId) || weekday === undefined || typeof start !== 'number' || typeof end !== 'number' || end <= start) {
      flash(req, 'error', 'Choose a press officer and a day, and times like 09:00 to 17:30 (the end after the start).');
    } else {
      await addRotaSlot(db, { userId, weekday, startMinute: start, endMinute: end });
      flash(req, 'ok', 'Added to the rota.');
    }
    return reply.redirect('/drafts/rota', 303);
  });

  app.post<P>('/drafts/rota/:id/remove', officer, async (req, reply) => {
    const id = int(req.params.id, 1, Number.MAX_SAFE_INTEGER);
    if (id) await removeRotaSlot(db, id);
    flash(req, 'ok', 'Removed from the rota.');
    return reply.redirect('/drafts/rota', 303);
  });
}
