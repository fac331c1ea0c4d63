// slug: a release's address in the public archive, /releases/<slug>. Readable words from the subject plus
// the draft id, which is UNIQUE per release, so two releases with the same subject never collide.
export function releaseSlug(subject: string, draftId: number): string {
  const words = subject
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return words ? `${words}-${draftId}` : `release-${draftId}`;
}
