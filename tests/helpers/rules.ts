// A small rules file for the rules editor's tests (route and browser): a header comment and a comment above a
// rule (both must survive saves from the rows), a global exclude, and a query that starts with a quote.
export const TOPICS_YAML = `# Our rules: this comment stays through saves from the rows.
exclude:
  - id: sport
    query: url:"bbc co uk sport"
topics:
  - id: prisons
    name: Prisons
    rules:
      # Prison words.
      - id: prison
        query: prison*
  - id: probation
    name: Probation
    rules:
      - id: service
        query: '"probation service" OR probat*'
`;
