// Every route module is listed here: one place to read the whole web surface. Each route declares
// config.auth (contract at the top of src/web/auth.ts); add your module with one import and one line.
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../server.ts';
import { authRoutes } from './auth.ts';
import { deskRoutes } from './desk.ts';
import { draftLinkRoutes } from './draft-links.ts';
import { draftRoutes } from './drafts.ts';
import { feedbackRoutes } from './feedback.ts';
import { contactRoutes } from './contacts.ts';
import { queueRoutes } from './queues.ts';
import { releaseAdminRoutes } from './releases-admin.ts';
import { relevanceRoutes } from './relevance.ts';
import { releaseRoutes } from './releases.ts';
import { ruleRoutes } from './rules.ts';
import { ruleTopicRoutes } from './rules-topics.ts';
import { sourceRoutes } from './sources.ts';
import { storyRoutes } from './stories.ts';
import { subscriberRoutes } from './subscribers.ts';
import { subscriptionRoutes } from './subscriptions.ts';
import { systemRoutes } from './system.ts';
import { templateRoutes } from './templates.ts';
import { topicSettingsRoutes } from './topic-settings.ts';
import { userRoutes } from './users.ts';

export async function registerRoutes(app: FastifyInstance, deps: WebDeps) {
  await systemRoutes(app, deps);
  await authRoutes(app, deps);
  await deskRoutes(app, deps); // home: each role's desk, and the trends page
  await userRoutes(app, deps);
  await queueRoutes(app, deps);
  await storyRoutes(app, deps);
  await draftRoutes(app, deps);
  await draftLinkRoutes(app, deps); // public: the signed links from approval emails
  await topicSettingsRoutes(app, deps); // lines to take, draft policy, duty rota
  await templateRoutes(app, deps);
  await ruleRoutes(app, deps);
  await ruleTopicRoutes(app, deps); // the structured editor: one topic's rules as rows
  await relevanceRoutes(app, deps); // the relevance model on top of the rules
  await feedbackRoutes(app, deps);
  await contactRoutes(app, deps);
  await releaseAdminRoutes(app, deps); // the press office's releases
  await releaseRoutes(app, deps); // the public archive
  await subscriptionRoutes(app, deps); // public: campaigners' sign-up, signed links, the mail webhook
  await subscriberRoutes(app, deps); // the press office's view of subscribers
  await sourceRoutes(app, deps); // and the WebSub callbacks (websub.ts)
}
