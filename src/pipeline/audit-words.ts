// audit-words: an audit log entry -> what it says in words, for /admin/audit: people by email, objects by name
// with a link where they have a page, details as a phrase rather than JSON. An action this stage does not know
// (a later feature's) still reads: its verb, then its details as "key: value" pairs.

export interface AuditFacts {
  action: string;
  userId: number | null;
  objectType: string | null;
  objectId: string | null;
  /** The object's current name (a user's email, a source's name), when it still exists. */
  objectLabel: string | null;
  objectRemoved: boolean;
  detail: Record<string, unknown>;
}

/** A piece of the sentence; a link when it names something with a page. */
export interface Part {
  text: string;
  href?: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v));
const quoted = (v: unknown) => (str(v) ? ` “${str(v)}”` : '');
const roles = (v: unknown) => (Array.isArray(v) && v.length ? v.map((r) => String(r).replace('_', ' ')).join(' and ') : 'no role');

/** The object as a part: a user by email, a source by name (its name then, once removed), a story or rules
 *  version by number with its page. */
function object(e: AuditFacts): Part {
  const id = e.objectId ?? '';
  switch (e.objectType) {
    case 'user':
      return { text: e.objectLabel ?? `user ${id} (deleted)` };
    case 'source': {
      const name = e.objectLabel ?? (str(e.detail.name) || `source ${id}`);
      return e.objectLabel && !e.objectRemoved ? { text: name, href: `/sources/${id}` } : { text: `${name} (removed)` };
    }
    case 'story':
      return { text: `story ${id}`, href: `/stories/${id}` };
    case 'rule_version':
      return { text: `rules version ${id}`, href: `/rules/versions/${id}` };
    default:
      return { text: e.objectType ? `${e.objectType.replace('_', ' ')} ${id}`.trim() : '' };
  }
}

const SOURCE_FIELDS: Record<string, string> = {
  name: 'name',
  kind: 'kind',
  selectors: 'selectors',
  minIntervalS: 'poll at most every (s)',
  maxIntervalS: 'poll at least every (s)',
  charset: 'charset',
  dedupPolicy: 'same item when',
  topics: 'topic hints',
};

/** "name from “A” to “B”; topic hints from “” to “prisons”". */
function changes(v: unknown): string {
  if (!v || typeof v !== 'object') return '';
  return Object.entries(v as Record<string, { from?: unknown; to?: unknown }>)
    .map(([k, c]) => `${SOURCE_FIELDS[k] ?? k} from “${str(c?.from)}” to “${str(c?.to)}”`)
    .join('; ');
}

function otherDetails(d: Record<string, unknown>): string {
  const pairs = Object.entries(d).filter(([k, v]) => k !== 'via' && v !== undefined && v !== null && v !== '');
  return pairs.length ? ` (${pairs.map(([k, v]) => `${k.replace('_', ' ')}: ${str(v)}`).join('; ')})` : '';
}

export function auditWords(e: AuditFacts): Part[] {
  const d = e.detail;
  const o = object(e);
  const self = e.objectType === 'user' && e.userId !== null && String(e.userId) === e.objectId;
  const t = (text: string): Part => ({ text });
  switch (e.action) {
    case 'user.login':
      return [t(`logged in${d.ip ? ` from ${str(d.ip)}` : ''}`)];
    case 'user.logout':
      return [t('logged out')];
    case 'user.created':
      return d.via === 'setup' ? [t(`set up pressdesk as the first user, ${str(d.email)} (${roles(d.roles)})`)] : [t('added user '), o, t(` as ${roles(d.roles)}`)];
    case 'user.password_set':
      return self ? [t('set their password')] : [t('set the password of '), o];
    case 'user.roles_changed':
      return [t('changed the roles of '), o, t(` from ${roles(d.from)} to ${roles(d.to)}`)];
    case 'user.disabled':
      return [t('disabled the user '), o];
    case 'user.enabled':
      return [t('enabled the user '), o];
    case 'user.link_issued':
      return [t('issued a set-password link for '), o];
    case 'rule.published':
      return [t('published '), o, t(quoted(d.message))];
    case 'rule.rolled_back':
      return [t(`rolled the rules back to version ${str(d.to)}, as `), o];
    case 'story.split':
      return [t(`moved item ${str(d.item)} out of `), o, t(` into story ${str(d.to)}`), t(d.note ? `: ${str(d.note)}` : '')];
    case 'story.merged':
      return [t(`merged story ${str(d.from)} into `), o, t(d.note ? `: ${str(d.note)}` : '')];
    case 'story.headline_set':
      return [t(`made item ${str(d.item)} the headline of `), o];
    case 'source.added':
      return [t(d.restored ? 'added the removed source ' : 'added the source '), o, t(` (${str(d.url)})${d.restored ? ' again, with its items' : ''}`)];
    case 'source.edited':
      return [t('changed the source '), o, t(`: ${changes(d.changes)}`)];
    case 'source.enabled':
      return [t('enabled the source '), o];
    case 'source.disabled':
      return [t('disabled the source '), o];
    case 'source.removed':
      return [t(`removed the source ${e.objectLabel ?? str(d.name)} (${str(d.url)}); its ${str(d.items)} item(s) kept`)];
    default:
      return [t(`${e.action.replace(/[._]/g, ' ')} `), o, t(otherDetails(d))];
  }
}

/** Who did it, in words: the user's email, or the command line or pressdesk itself when no user did. */
export function actorWords(e: { userEmail: string | null; detail: Record<string, unknown> }): string {
  // A deleted user's entries keep no id (ON DELETE SET NULL), so no email means no user.
  if (e.userEmail) return e.userEmail;
  return e.detail.via === 'cli' ? 'command line' : 'pressdesk';
}
