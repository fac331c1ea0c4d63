// Media contacts for press officers: search by words and topic, add, edit (topics as checkboxes of the
// active rules' topics), opt out and back in (do-not-contact), CSV import by upload (each bad row shown with
// its line and reason, the rest imported) and CSV export.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Contact, ContactInput } from '../../domain/releases.ts';
import { contactsCsv } from '../../pipeline/contacts-export.ts';
import { activeRules } from '../../services/active-rules.ts';
import { importContacts } from '../../services/import-contacts.ts';
import { saveContact } from '../../services/save-contact.ts';
import { getContact, listAllContacts, searchContacts, setDoNotContact } from '../../storage/contacts.ts';
import { sendError } from '../errors.ts';
import { field, fields } from '../form.ts';
import { flash, sendPage } from '../page.ts';
import type { WebDeps } from '../server.ts';

const officer = { config: { auth: 'press_officer' as const } };
const PER_PAGE = 50;
type P = { Params: { id: string } };

const idOf = (s: string) => {
  const n = Number(s);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};
const plain = (m: string) => m.replace(/^contacts: /, '');

const fromForm = (body: unknown): ContactInput => ({
  name: field(body, 'name'),
  email: field(body, 'email'),
  outlet: field(body, 'outlet') || null,
  topics: [...new Set(fields(body, 'topics').filter(Boolean))].sort(),
  doNotContact: field(body, 'do_not_contact') === 'yes',
  notes: field(body, 'notes', true).trim() || null,
});

export async function contactRoutes(app: FastifyInstance, deps: WebDeps) {
  const svc = { db: deps.db, now: () => app.pd.now() };
  const ruleTopics = async () => (await activeRules(deps.db)).ruleSet.topics.map((t) => ({ id: t.id, name: t.name }));

  app.get<{ Querystring: { q?: string; topic?: string; page?: string } }>('/contacts', officer, async (req, reply) => {
    const text = typeof req.query.q === 'string' ? req.query.q.trim() : '';
    const topic = typeof req.query.topic === 'string' && req.query.topic ? req.query.topic : undefined;
    const page = Math.max(1, Math.floor(Number(req.query.page)) || 1);
    const rows = await searchContacts(deps.db, { text, topic, limit: PER_PAGE + 1, offset: (page - 1) * PER_PAGE });
    const q = (p: number) => `/contacts?${new URLSearchParams({ ...(text ? { q: text } : {}), ...(topic ? { topic } : {}), page: String(p) })}`;
    return sendPage(req, reply, 'contacts', {
      title: 'Contacts',
      q: text,
      topics: (await ruleTopics()).map((t) => ({ ...t, selected: t.id === topic })),
      contacts: rows.slice(0, PER_PAGE),
      searched: Boolean(text || topic),
      newer: page > 1 ? q(page - 1) : null,
      older: rows.length > PER_PAGE ? q(page + 1) : null,
    });
  });

  app.get('/contacts.csv', officer, async (_req, reply) => {
    const csv = contactsCsv(await listAllContacts(deps.db));
    const day = app.pd.now().toISOString().slice(0, 10);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="contacts-${day}.csv"`).send(csv);
  });

  app.post('/contacts/import', officer, async (req, reply) => {
    const csv = field(req.body, 'file', true);
    if (!csv.trim()) {
      flash(req, 'error', 'Choose a CSV file to import (a header row with at least name,email).');
      return reply.redirect('/contacts', 303);
    }
    const r = await importContacts(svc, csv);
    return sendPage(req, reply.code(r.problems.length ? 422 : 200), 'contacts-import', { title: 'Contacts imported', result: r, imported: r.created + r.updated });
  });

  const form = async (req: FastifyRequest, reply: FastifyReply, c: (ContactInput & { id?: number }) | undefined, extra: { error?: string; code?: number; existingId?: number } = {}) => {
    const mine = new Set(c?.topics ?? []);
    const known = await ruleTopics();
    // A topic the contact covers that no rule has any more stays ticked, so saving does not drop it.
    const topics = [...known, ...[...mine].filter((t) => !known.some((k) => k.id === t)).map((t) => ({ id: t, name: t }))];
    if (extra.code) reply.code(extra.code);
    return sendPage(req, reply, 'contact-edit', {
      title: c?.id ? `Contact: ${c.name}` : 'Add a contact',
      contact: c,
      isNew: !c?.id,
      action: c?.id ? `/contacts/${c.id}` : '/contacts',
      topics: topics.map((t) => ({ ...t, checked: mine.has(t.id) })),
      error: extra.error,
      existingId: extra.existingId,
    });
  };

  app.get('/contacts/new', officer, (req, reply) => form(req, reply, undefined));

  app.post('/contacts', officer, async (req, reply) => {
    const input = fromForm(req.body);
    const r = await saveContact(svc, null, input);
    if (!r.ok) return form(req, reply, input, { error: plain(r.message), code: r.reason === 'taken' ? 409 : 422, existingId: r.existingId });
    flash(req, 'ok', `${r.contact.name} added.`);
    return reply.redirect(`/contacts/${r.contact.id}`, 303);
  });

  const contactOr404 = async (req: FastifyRequest<P>, reply: FastifyReply): Promise<Contact | undefined> => {
    const id = idOf(req.params.id);
    const c = id && (await getContact(deps.db, id));
    if (!c) await sendError(req, reply, 404, `contacts: no contact ${req.params.id}; search for them at /contacts`);
    return c || undefined;
  };

  app.get<P>('/contacts/:id', officer, async (req, reply) => {
    const c = await contactOr404(req, reply);
    return c ? form(req, reply, c) : reply;
  });

  app.post<P>('/contacts/:id', officer, async (req, reply) => {
    const c = await contactOr404(req, reply);
    if (!c) return reply;
    const input = fromForm(req.body);
    const r = await saveContact(svc, c.id, input);
    if (!r.ok) return form(req, reply, { ...input, id: c.id }, { error: plain(r.message), code: r.reason === 'taken' ? 409 : 422, existingId: r.existingId });
    flash(req, 'ok', `${r.contact.name} saved.`);
    return reply.redirect(`/contacts/${c.id}`, 303);
  });

  app.post<P>('/contacts/:id/do-not-contact', officer, async (req, reply) => {
    const c = await contactOr404(req, reply);
    if (!c) return reply;
    const on = field(req.body, 'do_not_contact') !== 'no';
    await setDoNotContact(deps.db, c.id, on, svc.now());
    flash(req, 'ok', on ? `${c.name} opted out: no release will be sent to them.` : `${c.name} opted back in.`);
    return reply.redirect(`/contacts/${c.id}`, 303);
  });
}
